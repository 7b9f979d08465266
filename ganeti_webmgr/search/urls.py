from django.urls import path

from ganeti_webmgr.search import views

urlpatterns = [
    path("", views.search, name="search"),
]
