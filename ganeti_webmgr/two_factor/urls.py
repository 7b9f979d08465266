from django.urls import path

from ganeti_webmgr.two_factor import views

urlpatterns = [
    # The second step of a sign-in (before Django's login): no login required.
    path("login/code", views.verify, name="two-factor-verify"),
    path("two-factor/enrol", views.enrol, name="two-factor-enrol"),
    # One's own settings.
    path("profile/two-factor/", views.profile, name="two-factor-profile"),
    path("profile/two-factor/disable", views.disable, name="two-factor-disable"),
]
