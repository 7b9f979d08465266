"""Console pages under /clusters/<slug>/: a VM's consoles and the cluster's settings.

The websockets (.../console/<kind>/ws) are not Django views: console.websocket.
"""

from django.urls import path

from ganeti_webmgr.console import views

urlpatterns = [
    path("console", views.cluster_console, name="cluster-console"),
    path("vms/<str:name>/console/", views.console, name="vm-console"),
    path(
        "vms/<str:name>/console/serial/",
        views.console,
        {"kind": "serial"},
        name="vm-console-serial",
    ),
    path(
        "vms/<str:name>/console/<str:kind>/ticket",
        views.ticket,
        name="console-ticket",
    ),
]
