"""gwm-manage token create|list|revoke: API tokens from the server's command line, for
any user (the profile pages make them only for oneself). create prints the secret alone
on stdout, everything else on stderr, so that a script can capture it:
TOKEN=$(gwm-manage token create backup --name nightly)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ganeti_webmgr.api import tokens
from ganeti_webmgr.api.forms import expiry_of
from ganeti_webmgr.api.models import Token

# What each of tokens.TokenError's fields is called here.
ARGUMENT = {"name": "--name", "expires_at": "--expires/--days", "allowed_ips": "--allow"}
KEY_ID = re.compile(r"^(?:gwm_)?([0-9a-f]{12})(?:_.*)?$")


def _wrong(argument: str, text: str) -> CommandError:
    # 2, as argparse's own usage errors: the command was called wrongly.
    return CommandError(f"{argument}: {text}", returncode=2)


def _plain(text: str) -> str:
    return text  # stderr unstyled: it is information, not an error


class Command(BaseCommand):
    help = "Make, list and revoke users' API tokens (the secret is shown once, by create)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="make a token; only its secret goes to stdout")
        create.add_argument("username", metavar="USER", help="whose token it is")
        create.add_argument("--name", required=True, help="what it is for (unique per user)")
        create.add_argument("--write", action="store_true", help="may make changes too")
        until = create.add_mutually_exclusive_group()
        until.add_argument(
            "--expires", metavar="YYYY-MM-DD", help="the day it stops working (at 00:00)"
        )
        until.add_argument("--days", type=int, metavar="N", help="valid for N days from now")
        create.add_argument(
            "--allow",
            nargs="+",
            action="extend",
            default=[],
            metavar="CIDR",
            help="networks it may be used from (default: anywhere)",
        )
        listing = actions.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("username", nargs="?", metavar="USER", help="only this user's")
        revoke = actions.add_parser("revoke", help="revoke a token")
        revoke.add_argument(
            "key", nargs="?", metavar="KEY", help="its key id, or gwm_<key id> as lists show it"
        )
        revoke.add_argument("--user", metavar="USER", help="with --name: the token's owner")
        revoke.add_argument("--name", help="with --user: the token's name")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    # -- the actions --------------------------------------------------------------------
    def _create(self, *, username, name, write, expires, days, allow, **_options):
        user = _user(username, "USER")
        if not user.is_active:
            raise _wrong("USER", f"{username} is deactivated")
        try:
            issued = tokens.issue(
                user, name, write=write, expires_at=_expiry(expires, days), allowed_ips=allow
            )
        except tokens.TokenError as error:
            raise _wrong(ARGUMENT.get(error.field, error.field), str(error)) from None
        token = issued.token
        self.stderr.write(f"Made {_describe(token)}.", style_func=_plain)
        self.stdout.write(issued.secret)

    def _list(self, *, username, **_options):
        found = Token.objects.select_related("user").order_by(
            "user__username", "revoked_at", "-created_at", "-id"
        )
        if username is not None:
            found = found.filter(user=_user(username, "USER"))
        rows = [_row(token) for token in found]
        if not rows:
            self.stderr.write("No tokens.", style_func=_plain)
            return
        heading = ("KEY", "USER", "NAME", "SCOPE", "STATE", "CREATED", "EXPIRES", "LAST USED")
        heading += ("FROM", "NETWORKS")
        widths = [max(len(r[i]) for r in [heading, *rows]) for i in range(len(heading))]
        for row in [heading, *rows]:
            line = "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())

    def _revoke(self, *, key, user, name, **_options):
        token = _token(key, user, name)
        if tokens.revoke(token, by=None):
            self.stderr.write(f"Revoked {_describe(token)}.", style_func=_plain)
        else:
            self.stderr.write(f"{token.label} was revoked already.", style_func=_plain)


def _user(username: str, argument: str):
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        raise _wrong(argument, f"no user is called {username!r}")
    return user


def _expiry(expires: str | None, days: int | None):
    if expires is not None:
        try:
            day = date.fromisoformat(expires)
        except ValueError:
            raise _wrong("--expires", f"{expires!r} is not a date (YYYY-MM-DD)") from None
        return expiry_of(day)
    if days is not None:
        if days < 1:
            raise _wrong("--days", "give a number of days from 1")
        return timezone.now() + timedelta(days=days)
    return None


def _token(key: str | None, username: str | None, name: str | None) -> Token:
    if key is not None:
        if username or name:
            raise _wrong("KEY", "give a KEY or --user and --name, not both")
        match = KEY_ID.match(key.strip())
        if match is None:
            raise _wrong("KEY", f"{key!r} is not a key id (12 hex digits, or gwm_ and them)")
        token = Token.objects.select_related("user").filter(key_id=match.group(1)).first()
        if token is None:
            raise _wrong("KEY", f"no token has the key id {match.group(1)}")
        return token
    if not (username and name):
        raise _wrong("KEY", "give a token's KEY, or --user and --name")
    user = _user(username, "--user")
    # The active one first: an old, revoked token may have had the same name.
    token = (
        Token.objects.select_related("user")
        .filter(user=user, name=name)
        .order_by("revoked_at", "-created_at")
        .first()
    )
    if token is None:
        raise _wrong("--name", f"{username} has no token named {name!r}")
    return token


def _describe(token: Token) -> str:
    scope = "read and write" if token.write else "read only"
    until = f"until {_time(token.expires_at)}" if token.expires_at else "no expiry"
    return f"{token.label} for {token.user.get_username()} ({scope}, {until})"


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def _row(token: Token) -> tuple[str, ...]:
    return (
        f"gwm_{token.key_id}",
        token.user.get_username(),
        token.name,
        "write" if token.write else "read",
        token.state(),
        _time(token.created_at),
        _time(token.expires_at) if token.expires_at else "never",
        _time(token.last_used_at) if token.last_used_at else "never",
        token.last_used_ip or "-",
        ",".join(token.allowed_ips) or "anywhere",
    )
