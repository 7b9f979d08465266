from django.urls import include, path

from ganeti_webmgr.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health", core_views.health, name="health"),
    path("accounts/", include("ganeti_webmgr.accounts.urls")),
    path("clusters/", include("ganeti_webmgr.clusters.urls")),
]
