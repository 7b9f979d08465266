"""gwm-manage ldap_check [USER]: whether GWM reaches the LDAP directory with the [ldap]
settings, and what a sign-in of USER would bring; nothing is changed in GWM."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Check the [ldap] settings against the directory, and look a user up "
        "(docs/authentication-ldap.rst)."
    )

    def add_arguments(self, parser):
        parser.add_argument("user", nargs="?", help="a user name to look up in the directory")

    def handle(self, *args, user=None, **options):
        if not settings.LDAP_STATE.on:
            raise CommandError(f"LDAP sign-in is {settings.LDAP_STATE.text}")
        import ldap
        from django_auth_ldap.backend import _LDAPUser

        from ganeti_webmgr.accounts.ldap_backend import LDAPBackend, describe

        backend = LDAPBackend()
        entry = _LDAPUser(backend, username=user or "")
        bound_as = settings.AUTH_LDAP_BIND_DN or "(anonymous)"
        try:
            entry.connection  # noqa: B018 - connects and binds as bind_dn
            self.stdout.write(
                f"Directory {settings.AUTH_LDAP_SERVER_URI} (StartTLS: "
                f"{'yes' if settings.AUTH_LDAP_START_TLS else 'no'}): bound as {bound_as}"
            )
            if user:
                self._show(entry, user)
        except ldap.LDAPError as error:
            raise CommandError(f"{settings.AUTH_LDAP_SERVER_URI}: {describe(error)}") from None

    def _show(self, entry, user: str) -> None:
        if entry.dn is None:
            raise CommandError(f"no user {user!r} in the directory (see [ldap] user_filter)")
        self.stdout.write(f"User {user}: {entry.dn}")
        for field, attribute in settings.AUTH_LDAP_USER_ATTR_MAP.items():
            values = entry.attrs.get(attribute.lower()) or entry.attrs.get(attribute) or []
            self.stdout.write(f"  {field} = {values[0] if values else '(none)'} ({attribute})")
        if getattr(settings, "AUTH_LDAP_GROUP_SEARCH", None) is not None:
            names = sorted(name for name in entry._get_groups().get_group_names() if name)
            mirror = settings.AUTH_LDAP_MIRROR_GROUPS
            if isinstance(mirror, list | set | frozenset):
                names = [name for name in names if name in mirror]
            shown = ", ".join(names) if mirror and names else "(none)"
            self.stdout.write(f"  groups mirrored into GWM: {shown}")
            for flag, setting in (
                ("may sign in", "AUTH_LDAP_REQUIRE_GROUP"),
                ("superuser", "AUTH_LDAP_USER_FLAGS_BY_GROUP"),
            ):
                dn = getattr(settings, setting, None)
                if isinstance(dn, dict):
                    dn = dn.get("is_superuser")
                if dn:
                    member = entry._get_groups().is_member_of(dn)
                    answer = "yes (a member of" if member else "no (not a member of"
                    self.stdout.write(f"  {flag}: {answer} {dn})")
        local = get_user_model()._default_manager.filter(username__iexact=user).first()
        if local is not None and local.has_usable_password():
            self.stdout.write(
                f"  Note: {local.username} is a local account (it has a GWM password): it "
                "signs in with that password, never through LDAP"
            )
