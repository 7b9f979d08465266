"""gwm-manage two_factor reset USER | status USER: an administrator's help for a user
who lost their authenticator."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ganeti_webmgr.permissions import rules
from ganeti_webmgr.two_factor import devices


class Command(BaseCommand):
    help = "Show or reset a user's two-factor sign-in (authenticator and recovery codes)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        reset = sub.add_parser("reset", help="remove the user's authenticator and recovery codes")
        reset.add_argument("username")
        status = sub.add_parser("status", help="whether the user has two-factor sign-in on")
        status.add_argument("username")

    def handle(self, *args, command: str, username: str, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if command == "status":
            self._status(user)
        else:
            self._reset(user)

    def _status(self, user) -> None:
        if devices.is_enrolled(user):
            left = devices.recovery_codes_left(user)
            self.stdout.write(f"{user.username}: on ({left} recovery codes left)")
        else:
            self.stdout.write(f"{user.username}: off")
        if rules.must_use_two_factor(user):
            self.stdout.write("required for this user")

    def _reset(self, user) -> None:
        removed = devices.remove(
            None,
            user,
            action="twofactor.reset",
            message="Two-factor sign-in reset by an administrator (gwm-manage two_factor reset)",
            actor=None,
        )
        if not removed:
            self.stdout.write(f"{user.username} had no second factor: nothing to reset.")
            return
        after = (
            "They must set up a new authenticator at their next sign-in."
            if rules.must_use_two_factor(user)
            else "They sign in with their password alone until they set up a new one."
        )
        self.stdout.write(f"Removed {user.username}'s second factor. {after}")
