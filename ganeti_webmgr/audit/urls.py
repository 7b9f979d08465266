from django.urls import path

from ganeti_webmgr.audit import views

# Read-only: the log has no pages that change or delete entries.
urlpatterns = [
    path("", views.log, name="audit-log"),
    path("cluster/<slug:slug>/", views.cluster_log, name="audit-log-cluster"),
    path("vm/<slug:cluster_slug>/<str:name>/", views.vm_log, name="audit-log-vm"),
    path("node/<slug:cluster_slug>/<str:name>/", views.node_log, name="audit-log-node"),
    path("user/<str:username>/", views.user_log, name="audit-log-user"),
    path("group/<str:name>/", views.group_log, name="audit-log-group"),
]
