"""Activating and deactivating users, one or many, each change with its log entry in
one transaction (the user's page and the user list's bulk action both come here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ganeti_webmgr import audit
from ganeti_webmgr.permissions import rules


@dataclass
class Outcome:
    changed: list[User] = field(default_factory=list)
    skipped: list[tuple[User, str]] = field(default_factory=list)  # (user, why)


def set_active(request: HttpRequest, users: Iterable[User], active: bool) -> Outcome:
    """Make each user active (or not), as request.user may: one entry per user changed
    (its own log shows it), written with the change; a user already so, or one
    request.user may not change (themself, to deactivate), is skipped with why.

    The change is a conditional UPDATE: a user changed meanwhile by someone else is
    skipped, not logged twice.
    """
    outcome = Outcome()
    action, verb = ("user.activate", "Activated") if active else ("user.deactivate", "Deactivated")
    with transaction.atomic():
        for user in users:
            if not rules.may_set_active(request.user, user, active):
                why = _("you cannot deactivate yourself") if user.pk == request.user.pk else ""
                outcome.skipped.append((user, why or _("you may not")))
                continue
            with audit.change(
                action,
                request=request,
                targets=[user],
                message=f"{verb} user {user.username}",
                changes={"is_active": [not active, active]},
            ) as entry:
                done = User.objects.filter(pk=user.pk, is_active=not active).update(
                    is_active=active
                )
                if not done:
                    entry.skip()
            if done:
                user.is_active = active
                outcome.changed.append(user)
            else:
                state = _("already active") if active else _("already inactive")
                outcome.skipped.append((user, state))
    return outcome
