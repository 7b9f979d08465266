"""Under clusters/<slug>/import/ (the overview of all clusters is /import/)."""

from django.urls import path

from ganeti_webmgr.imports import views

urlpatterns = [
    path("", views.cluster_import, name="cluster-import"),
    path("vms/new", views.vms_new, name="cluster-import-vms"),
    path("vms/gone", views.vms_gone, name="cluster-import-vms-gone"),
    path("vms/orphans", views.orphans, name="cluster-import-orphans"),
    path("nodes/new", views.nodes_new, name="cluster-import-nodes"),
    path("nodes/gone", views.nodes_gone, name="cluster-import-nodes-gone"),
]
