from django.urls import include, path

from ganeti_webmgr.clusters import views
from ganeti_webmgr.permissions import views as permission_views
from ganeti_webmgr.provisioning import template_views
from ganeti_webmgr.provisioning import views as provisioning_views

urlpatterns = [
    path("", views.cluster_list, name="cluster-list"),
    path("add", views.cluster_add, name="cluster-add"),
    path("<slug:slug>/", views.cluster_detail, name="cluster-detail"),
    path("<slug:slug>/refresh", views.cluster_refresh, name="cluster-refresh"),
    path("<slug:slug>/action/<str:action>", views.cluster_action, name="cluster-action"),
    path("<slug:slug>/edit", views.cluster_edit, name="cluster-edit"),
    path("<slug:slug>/delete", views.cluster_delete, name="cluster-delete"),
    path("<slug:slug>/notify", views.notify, name="cluster-notify"),
    path(
        "<slug:slug>/permissions/", permission_views.cluster_permissions, name="cluster-permissions"
    ),
    path(
        "<slug:slug>/vms/<str:name>/permissions/",
        permission_views.vm_permissions,
        name="vm-permissions",
    ),
    path("<slug:slug>/create-vm", provisioning_views.create, name="vm-create"),
    path(
        "<slug:slug>/create-vm/<int:pk>/",
        provisioning_views.status,
        name="vm-create-status",
    ),
    path("<slug:slug>/templates/", template_views.template_list, name="cluster-vm-template-list"),
    path("<slug:slug>/templates/new", template_views.template_edit, name="vm-template-new"),
    path(
        "<slug:slug>/templates/<int:pk>/",
        template_views.template_detail,
        name="vm-template-detail",
    ),
    path(
        "<slug:slug>/templates/<int:pk>/edit", template_views.template_edit, name="vm-template-edit"
    ),
    path(
        "<slug:slug>/templates/<int:pk>/copy", template_views.template_copy, name="vm-template-copy"
    ),
    path(
        "<slug:slug>/templates/<int:pk>/delete",
        template_views.template_delete,
        name="vm-template-delete",
    ),
    path(
        "<slug:slug>/vms/<str:name>/template",
        template_views.template_from_vm,
        name="vm-template-from-vm",
    ),
    path("<slug:slug>/vms/", include("ganeti_webmgr.virtual_machines.urls")),
    path("<slug:slug>/jobs/", include("ganeti_webmgr.jobs.urls")),
    path("<slug:slug>/nodes/", include("ganeti_webmgr.nodes.urls")),
    path("<slug:slug>/import/", include("ganeti_webmgr.imports.urls")),
]
