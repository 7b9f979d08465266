from django.urls import path

from ganeti_webmgr.audit import views

# Read-only: the log has no pages that change or delete entries. Each log has its
# export beside it (the same list as a file).
urlpatterns = [
    path("", views.log, name="audit-log"),
    path("export", views.log_export, name="audit-log-export"),
    path("cluster/<slug:slug>/", views.cluster_log, name="audit-log-cluster"),
    path("cluster/<slug:slug>/export", views.cluster_log_export, name="audit-log-cluster-export"),
    path("vm/<slug:cluster_slug>/<str:name>/", views.vm_log, name="audit-log-vm"),
    path(
        "vm/<slug:cluster_slug>/<str:name>/export",
        views.vm_log_export,
        name="audit-log-vm-export",
    ),
    path("node/<slug:cluster_slug>/<str:name>/", views.node_log, name="audit-log-node"),
    path(
        "node/<slug:cluster_slug>/<str:name>/export",
        views.node_log_export,
        name="audit-log-node-export",
    ),
    path("user/<str:username>/", views.user_log, name="audit-log-user"),
    path("user/<str:username>/export", views.user_log_export, name="audit-log-user-export"),
    path("group/<str:name>/", views.group_log, name="audit-log-group"),
    path("group/<str:name>/export", views.group_log_export, name="audit-log-group-export"),
]
