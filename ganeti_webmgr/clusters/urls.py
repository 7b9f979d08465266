from django.urls import path

from ganeti_webmgr.clusters import views

urlpatterns = [
    path("<slug:slug>/notify", views.notify, name="cluster-notify"),
]
