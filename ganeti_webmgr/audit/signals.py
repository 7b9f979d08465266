"""Logins, logouts and failed logins, from Django's own authentication signals.

These are the only entries written from signals: Django's login() and
authenticate() send them, and no GWM code sits at those call sites. Failed logins
are the only entries ever updated after they are written: one counts the failures
of its hour.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ganeti_webmgr.audit.api import client_ip, record
from ganeti_webmgr.audit.models import Entry, Target

# Longer "user names" are not names (often a password typed in the wrong field).
MAX_ATTEMPTED_NAME = 150
# Failed logins of one user (or of unknown names) from one address within this
# time share an entry.
FAILED_LOGIN_WINDOW = timedelta(hours=1)
_COUNT = re.compile(r"([0-9]{1,12}) failed logins")


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
    """One entry per user (or per "unknown user name") and address and hour, counting
    the failures: a flood of wrong passwords adds a bounded number of rows.

    A name no user has is never kept (it is often a password typed in the wrong
    field). The password itself Django has already masked.
    """
    if get_user_model().USERNAME_FIELD not in credentials or credentials.get("second_factor"):
        return  # not a password: single sign-on and the second factor record their own
    user = _known_user(credentials)
    source_ip = client_ip(request) if request is not None else None
    now = timezone.now()
    with transaction.atomic():
        recent = Entry.objects.select_for_update().filter(
            action="user.login_failed", source_ip=source_ip, time__gte=now - FAILED_LOGIN_WINDOW
        )
        # Subqueries, not joins: FOR UPDATE refuses the nullable side of an outer join.
        targets = Target.objects.filter(entry=OuterRef("pk"))
        if user is not None:
            ct = ContentType.objects.get_for_model(user)
            recent = recent.filter(Exists(targets.filter(content_type=ct, object_pk=user.pk)))
        else:
            recent = recent.filter(~Exists(targets))
        entry = recent.order_by("-time", "-id").first()
        if entry is None:
            record(
                "user.login_failed",
                request=request,
                actor=None,
                targets=[user] if user else [],
                message=failed_login_message(user, 1, now),
            )
        else:
            count = failure_count(entry.message) + 1
            Entry.objects.filter(pk=entry.pk).update(message=failed_login_message(user, count, now))


def _known_user(credentials):
    User = get_user_model()
    attempted = credentials.get(User.USERNAME_FIELD)
    if not isinstance(attempted, str) or not 0 < len(attempted) <= MAX_ATTEMPTED_NAME:
        return None
    return User._default_manager.filter(**{User.USERNAME_FIELD: attempted}).first()


def failed_login_message(user, count: int, last) -> str:
    name = "" if user is not None else " with an unknown user name"
    if count == 1:
        return f"Failed login{name}"
    return f"{count} failed logins{name}, the last at {timezone.localtime(last):%H:%M:%S}"


def failure_count(message: str) -> int:
    match = _COUNT.match(message)
    return int(match.group(1)) if match else 1
