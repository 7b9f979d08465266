from django.contrib.auth import views as auth_views
from django.urls import path

from ganeti_webmgr.accounts.views import auth, groups, lists, password_reset, profile, users

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="accounts-login"),
    # Django's LogoutView accepts POST only (a GET link could log users out from other sites).
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="accounts-password"),
    # Forgotten passwords: anyone (the link in the mail is the credential).
    path(
        "password/reset/",
        password_reset.PasswordResetView.as_view(),
        name="accounts-password-reset",
    ),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetSentView.as_view(),
        name="accounts-password-reset-sent",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="accounts-password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="accounts-password-reset-complete",
    ),
    # Users: superusers (a user may see their own page).
    path("users/", users.user_list, name="accounts-user-list"),
    path("users/new", users.user_create, name="accounts-user-create"),
    path("users/<str:username>/", users.user_detail, name="accounts-user-detail"),
    path("users/<str:username>/edit", users.user_edit, name="accounts-user-edit"),
    path("users/<str:username>/deactivate", users.user_deactivate, name="accounts-user-deactivate"),
    # Groups: superusers, the group's administrators, its members (see permissions.rules).
    path("groups/", groups.group_list, name="accounts-group-list"),
    path("groups/new", groups.group_create, name="accounts-group-create"),
    path("groups/<str:name>/", groups.group_detail, name="accounts-group-detail"),
    path("groups/<str:name>/edit", groups.group_edit, name="accounts-group-edit"),
    path("groups/<str:name>/members", groups.group_members, name="accounts-group-members"),
    path("groups/<str:name>/admins", groups.group_admins, name="accounts-group-admins"),
    # One's own profile and SSH keys.
    path("profile/", profile.profile_edit, name="accounts-profile-edit"),
    path("profile/keys/", profile.key_list, name="accounts-key-list"),
    path("profile/keys/<int:pk>/remove", profile.key_remove, name="accounts-key-remove"),
    # Columns and page size of a list (core.listing), remembered per user.
    path("lists/<str:name>", lists.list_preferences, name="accounts-list-preferences"),
]
