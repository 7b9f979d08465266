from django.urls import include, path

from ganeti_webmgr.core import views as core_views
from ganeti_webmgr.imports import views as import_views
from ganeti_webmgr.jobs import views as job_views
from ganeti_webmgr.provisioning import template_views
from ganeti_webmgr.provisioning import views as provisioning_views
from ganeti_webmgr.virtual_machines import views as vm_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("ganeti_webmgr.accounts.urls")),
    path("accounts/", include("ganeti_webmgr.two_factor.urls")),
    path("sso/", include("ganeti_webmgr.sso.urls")),
    path("clusters/<slug:slug>/", include("ganeti_webmgr.console.urls")),
    path("clusters/<slug:slug>/", include("ganeti_webmgr.vmkeys.urls")),
    path("clusters/<slug:slug>/quotas/", include("ganeti_webmgr.quotas.urls")),
    path("clusters/", include("ganeti_webmgr.clusters.urls")),
    path("vms/", vm_views.vm_list, name="vm-list"),
    path("vms/bulk", vm_views.vm_bulk, name="vm-bulk"),
    path("vms/export", vm_views.vm_export, name="vm-export"),
    path("vms/create", provisioning_views.choose_cluster, name="vm-create-choose"),
    path("templates/", template_views.template_list, name="vm-template-list"),
    path("jobs/", job_views.job_list, name="job-list"),
    path("import/", import_views.overview, name="import-overview"),
    path("log/", include("ganeti_webmgr.audit.urls")),
    path("search/", include("ganeti_webmgr.search.urls")),
    path("api/", include("ganeti_webmgr.api.urls")),
]
