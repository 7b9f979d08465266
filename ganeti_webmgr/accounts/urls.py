from django.contrib.auth import views as auth_views
from django.urls import path

from ganeti_webmgr.accounts.views import (
    auth,
    groups,
    lists,
    password_reset,
    profile,
    tokens,
    users,
)

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
    path("users/export", users.user_export, name="accounts-user-export"),
    path("users/bulk", users.user_bulk, name="accounts-user-bulk"),
    path("users/<str:username>/", users.user_detail, name="accounts-user-detail"),
    path("users/<str:username>/edit", users.user_edit, name="accounts-user-edit"),
    path("users/<str:username>/deactivate", users.user_deactivate, name="accounts-user-deactivate"),
    path(
        "users/<str:username>/tokens/<str:key_id>/revoke",
        tokens.user_token_revoke,
        name="accounts-user-token-revoke",
    ),
    # Groups: superusers, the group's administrators, its members (see permissions.rules).
    path("groups/", groups.group_list, name="accounts-group-list"),
    path("groups/new", groups.group_create, name="accounts-group-create"),
    path("groups/export", groups.group_export, name="accounts-group-export"),
    path("groups/<str:name>/", groups.group_detail, name="accounts-group-detail"),
    path("groups/<str:name>/edit", groups.group_edit, name="accounts-group-edit"),
    path("groups/<str:name>/members", groups.group_members, name="accounts-group-members"),
    path("groups/<str:name>/admins", groups.group_admins, name="accounts-group-admins"),
    # One's own profile, SSH keys and API tokens.
    path("profile/", profile.profile_edit, name="accounts-profile-edit"),
    path("profile/keys/", profile.key_list, name="accounts-key-list"),
    path("profile/keys/<int:pk>/remove", profile.key_remove, name="accounts-key-remove"),
    # One's own API tokens (the secret is shown once, in the answer that made it).
    path("profile/tokens/", tokens.token_list, name="accounts-token-list"),
    path("profile/tokens/<str:key_id>/revoke", tokens.token_revoke, name="accounts-token-revoke"),
    # Columns and page size of a list (core.listing), remembered per user.
    path("lists/<str:name>", lists.list_preferences, name="accounts-list-preferences"),
]
