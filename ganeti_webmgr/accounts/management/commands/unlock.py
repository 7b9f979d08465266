"""gwm-manage unlock USER | --ip ADDRESS | --all: lift login lockouts now, rather
than waiting for [login] lockout_minutes (docs/authentication.rst)."""

from __future__ import annotations

import ipaddress

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ganeti_webmgr import audit


class Command(BaseCommand):
    help = (
        "Forget the failed logins of a user (from every address), of an address (every "
        "user name, known or not), of a user from one address (both), or all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="a user's login name")
        parser.add_argument("--ip", help="the client address (IPv4 or IPv6)")
        parser.add_argument("--all", action="store_true", help="every lockout")

    def handle(self, *args, username: str | None, ip: str | None, all: bool, **options):
        if all and (username or ip):
            raise CommandError("--all takes no user name or --ip")
        if not (all or username or ip):
            raise CommandError("name a user, an --ip address, or --all")
        if ip is not None:
            try:
                ip = str(ipaddress.ip_address(ip))
            except ValueError:
                raise CommandError(f"{ip!r} is not an IP address") from None
        user = None
        if username is not None:
            User = get_user_model()
            user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
            if user is None:
                raise CommandError(
                    f"no user is called {username!r} (failures with unknown user names "
                    "are counted per address: use --ip)"
                )
        with transaction.atomic():
            count = reset(ip=ip, username=username)
            what = "every address and user" if all else _what(username, ip)
            audit.record(
                "login.unlock",
                targets=[user] if user else [],
                message=f"Unlocked logins of {what} ({count} counted)",
            )
        noun = "record" if count == 1 else "records"
        self.stdout.write(f"Unlocked logins of {what}: {count} failure {noun} forgotten.")


def _what(username: str | None, ip: str | None) -> str:
    if username and ip:
        return f"{username} from {ip}"
    return username or ip or ""
