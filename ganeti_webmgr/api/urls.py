"""/api/: the versioned API (/api/v1/...), its OpenAPI schema and its two readers."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from ganeti_webmgr.api.views import (
    account_changes,
    accounts,
    actions,
    console,
    creation,
    grant_changes,
    inventory,
    jobs,
    readers,
    records,
)
from ganeti_webmgr.api.views.base import NotFound

v1 = [
    path("clusters/", inventory.ClusterList.as_view(), name="api-cluster-list"),
    path("clusters/<slug:slug>/", inventory.ClusterDetail.as_view(), name="api-cluster-detail"),
    path("clusters/<slug:slug>/nodes/", inventory.NodeList.as_view(), name="api-node-list"),
    path(
        "clusters/<slug:slug>/nodes/<str:name>/",
        inventory.NodeDetail.as_view(),
        name="api-node-detail",
    ),
    path(
        "clusters/<slug:slug>/vms/",
        creation.ClusterVMs.as_view(),
        name="api-cluster-vm-list",
    ),
    path(
        "clusters/<slug:slug>/vms/<str:name>/",
        inventory.VirtualMachineDetail.as_view(),
        name="api-vm-detail",
    ),
    path("vms/", inventory.VirtualMachineList.as_view(), name="api-vm-list"),
    path(
        "clusters/<slug:slug>/grants/",
        grant_changes.ClusterGrants.as_view(),
        name="api-cluster-grants",
    ),
    path(
        "clusters/<slug:slug>/vms/<str:name>/grants/",
        grant_changes.VirtualMachineGrants.as_view(),
        name="api-vm-grants",
    ),
    path(
        "clusters/<slug:slug>/vms/<str:name>/console/",
        console.ConsoleTicket.as_view(),
        name="api-vm-console",
    ),
    path(
        "clusters/<slug:slug>/quotas/",
        records.ClusterQuotas.as_view(),
        name="api-cluster-quotas",
    ),
    # Users and groups: read (accounts.py) and changed (account_changes.py).
    path("users/", account_changes.Users.as_view(), name="api-user-list"),
    path("users/<str:username>/", account_changes.UserDetail.as_view(), name="api-user-detail"),
    path(
        "users/<str:username>/deactivate/",
        account_changes.UserDeactivate.as_view(),
        name="api-user-deactivate",
    ),
    path("groups/", account_changes.Groups.as_view(), name="api-group-list"),
    path("groups/<str:name>/", account_changes.GroupDetail.as_view(), name="api-group-detail"),
    path(
        "groups/<str:name>/members/",
        account_changes.GroupMembers.as_view(),
        name="api-group-members",
    ),
    path(
        "groups/<str:name>/members/<str:username>/",
        account_changes.GroupMember.as_view(),
        name="api-group-member",
    ),
    path(
        "groups/<str:name>/admins/",
        account_changes.GroupAdmins.as_view(),
        name="api-group-admins",
    ),
    path(
        "groups/<str:name>/admins/<str:username>/",
        account_changes.GroupAdmin.as_view(),
        name="api-group-admin",
    ),
    path("me/", accounts.Me.as_view(), name="api-me"),
    path("log/", records.Log.as_view(), name="api-log"),
    # Actions (api/views/actions.py): what may be asked now, and asking.
    path(
        "clusters/<slug:slug>/actions/",
        actions.ClusterActions.as_view(),
        name="api-cluster-actions",
    ),
    path(
        "clusters/<slug:slug>/actions/<str:action>/",
        actions.ClusterAction.as_view(),
        name="api-cluster-action",
    ),
    path(
        "clusters/<slug:slug>/nodes/<str:name>/actions/",
        actions.NodeActions.as_view(),
        name="api-node-actions",
    ),
    path(
        "clusters/<slug:slug>/nodes/<str:name>/actions/<str:action>/",
        actions.NodeAction.as_view(),
        name="api-node-action",
    ),
    path(
        "clusters/<slug:slug>/vms/<str:name>/actions/",
        actions.VMActions.as_view(),
        name="api-vm-actions",
    ),
    path(
        "clusters/<slug:slug>/vms/<str:name>/actions/<str:action>/",
        actions.VMAction.as_view(),
        name="api-vm-action",
    ),
    path("templates/", creation.TemplateList.as_view(), name="api-template-list"),
    path("templates/<int:pk>/", creation.TemplateDetail.as_view(), name="api-template-detail"),
    # Jobs, by GWM's id (api/views/jobs.py).
    path("jobs/", jobs.JobList.as_view(), name="api-job-list"),
    path("jobs/<int:pk>/", jobs.JobDetail.as_view(), name="api-job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.JobCancel.as_view(), name="api-job-cancel"),
    path("jobs/<int:pk>/wait/", jobs.JobWait.as_view(), name="api-job-wait"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", readers.SwaggerUI.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", readers.Redoc.as_view(url_name="api-schema"), name="api-redoc"),
]
# Last: any other address under /api/ answers in JSON too.
# [\s\S], not ".": a path may hold a newline (%0A), which "." would not match.
urlpatterns.append(re_path(r"^[\s\S]*$", NotFound.as_view(), name="api-not-found"))
