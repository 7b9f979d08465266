"""Logins, logouts and failed logins, from Django's own authentication signals.

These are the only entries written from signals: Django's login() and
authenticate() send them, and no GWM code sits at those call sites.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed

from ganeti_webmgr.audit.api import record

# Longer "user names" are not names (often a password typed in the wrong field).
MAX_ATTEMPTED_NAME = 150


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")


def logged_in(sender, request, user, **kwargs) -> None:
    record("user.login", actor=user, request=request, targets=[user], message="Logged in")


def logged_out(sender, request, user, **kwargs) -> None:
    if user is None:  # logging out without a session
        return
    record("user.logout", actor=user, request=request, targets=[user], message="Logged out")


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Keep the attempted user name and the address; Django has already masked the password."""
    User = get_user_model()
    if User.USERNAME_FIELD not in credentials or credentials.get("second_factor"):
        # Not a password: single sign-on and the second factor record their own.
        return
    attempted = str(credentials.get(User.USERNAME_FIELD, ""))[:MAX_ATTEMPTED_NAME]
    user = User._default_manager.filter(**{User.USERNAME_FIELD: attempted}).first()
    record(
        "user.login_failed",
        request=request,
        actor=None,
        targets=[user] if user else [],
        message=f"Failed login as {attempted!r}",
    )
