"""Node pages inside a cluster: /clusters/<slug>/nodes/..."""

from django.urls import path

from ganeti_webmgr.nodes import views

urlpatterns = [
    path("", views.node_list, name="node-list"),
    path("export", views.node_export, name="node-export"),
    path("<str:name>/", views.node_detail, name="node-detail"),
    path("<str:name>/jobs", views.node_jobs, name="node-jobs"),
    path("<str:name>/<str:action>", views.node_action, name="node-action"),
]
