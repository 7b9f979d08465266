"""Under /clusters/<slug>/: the cluster's SSH key settings, and its key feed.

The feed is read by gwm-authorized-keys on nodes and VMs with the cluster's token in
the path; a login counts for nothing there.
"""

from django.urls import path

from ganeti_webmgr.vmkeys import views

urlpatterns = [
    path("ssh-keys", views.settings_page, name="cluster-ssh-keys"),
    path("keys/<str:token>", views.feed, name="cluster-key-feed"),
    path("keys/<str:token>/<str:name>", views.feed, name="vm-key-feed"),
]
