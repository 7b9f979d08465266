from django.urls import path

from ganeti_webmgr.quotas import views

urlpatterns = [
    path("", views.cluster_quotas, name="cluster-quotas"),
]
