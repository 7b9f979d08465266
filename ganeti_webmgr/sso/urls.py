from django.urls import path

from ganeti_webmgr.sso import views

urlpatterns = [
    # Both answer 404 unless [oidc] enabled.
    path("start", views.Start.as_view(), name="sso-start"),
    path("callback", views.Callback.as_view(), name="sso-callback"),
]
