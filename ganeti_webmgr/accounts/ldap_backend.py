"""Sign-in through LDAP: django-auth-ldap's backend, with what GWM adds to it.

- A local account (one with a password in GWM) is never signed in through LDAP, so a
  directory entry of the same name cannot take it over.
- The user's creation and the group memberships mirrored from the directory are
  written with their audit entries in one transaction.
- When the directory cannot be used (down, slow, refusing GWM's bind), the request
  says so (`ldap_problem`), and the login form shows that instead of "wrong password".

Imported only when [ldap] enabled is true (see accounts.ldap_settings).
"""

from __future__ import annotations

import logging

import ldap
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_auth_ldap.backend import LDAPBackend as _LDAPBackend
from django_auth_ldap.backend import ldap_error

from ganeti_webmgr import audit

log = logging.getLogger(__name__)

UNREACHABLE = gettext_lazy(
    "The directory server (LDAP) cannot be reached, so directory accounts cannot sign "
    "in at the moment. Try again later, or tell your administrator. Accounts local to "
    "GWM are not affected."
)
UNUSABLE = gettext_lazy(
    "The directory server (LDAP) refused GWM's request, so directory accounts cannot "
    "sign in at the moment. Tell your administrator (GWM's log says why)."
)


class LDAPBackend(_LDAPBackend):
    def authenticate_ldap_user(self, ldap_user, password):
        User = get_user_model()
        username = self.ldap_to_django_username(ldap_user._username)
        # Looked up as django-auth-ldap does (whatever the case), so "Admin" is "admin".
        local = User._default_manager.filter(username__iexact=username).first()
        if local is not None and local.has_usable_password():
            return None
        with transaction.atomic():
            groups_before = _group_names(local)
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is None:
                # A sign-in that fails part-way (the groups could not be read after the
                # account was saved) leaves nothing behind, and so nothing unlogged.
                transaction.set_rollback(True)
            else:
                _record(ldap_user._request, user, created=local is None, before=groups_before)
        return user


def _group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True)) if user is not None else set()


def _record(request, user, *, created: bool, before: set[str]) -> None:
    from django.contrib.auth.models import Group

    if created:
        audit.record(
            "user.create",
            actor=user,
            request=request,
            targets=[user],
            message=f"Created {user.username} at their first sign-in through LDAP",
        )
    after = _group_names(user)
    for verb, names in (("member_add", after - before), ("member_remove", before - after)):
        for group in Group.objects.filter(name__in=names).order_by("name"):
            change = "Added" if verb == "member_add" else "Removed"
            preposition = "to" if verb == "member_add" else "from"
            audit.record(
                f"group.{verb}",
                actor=user,
                request=request,
                targets=[group, user],
                message=f"{change} {user.username} {preposition} {group.name} "
                "(LDAP group membership, at sign-in)",
            )


def describe(exception: ldap.LDAPError) -> str:
    """An LDAP error in one line, for the log and gwm-manage ldap_check (python-ldap's
    errors carry the server's words, never the credentials sent)."""
    info = exception.args[0] if exception.args and isinstance(exception.args[0], dict) else {}
    text = f"{type(exception).__name__} {info.get('desc', '')}"
    if info.get("info"):
        text += f" ({info['info']})"
    if isinstance(exception, ldap.CONNECT_ERROR):
        # What libldap reports when the TLS handshake fails, certificate checks included.
        text += "; a TLS failure? check the server's certificate against [ldap] ca_file"
    return text


def directory_problem(sender, context, user, request, exception, **kwargs) -> None:
    """django-auth-ldap caught an LDAPError: log what it was, and leave on the request
    what the login form should say."""
    log.error("LDAP directory error (%s): %s", context, describe(exception))
    if request is not None:
        unreachable = isinstance(exception, ldap.SERVER_DOWN | ldap.TIMEOUT)
        request.ldap_problem = UNREACHABLE if unreachable else UNUSABLE


ldap_error.connect(directory_problem, sender=LDAPBackend, dispatch_uid="gwm.ldap_problem")
