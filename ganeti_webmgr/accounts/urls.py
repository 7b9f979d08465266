from django.contrib.auth import views as auth_views
from django.urls import path

from ganeti_webmgr.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="accounts-login"),
    # Django's LogoutView accepts POST only (a GET link could log users out from other sites).
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("password/", views.PasswordChangeView.as_view(), name="accounts-password"),
]
