"""The site's URLs plus one that fails, for the 500 page's test."""

from django.urls import path

from ganeti_webmgr.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("the test's failure")


urlpatterns = [*site_urlpatterns, path("fails", fails)]
