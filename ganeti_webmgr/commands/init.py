"""gwm-init: first-time setup, safe to run again.

Creates the data directory, the secret key, the database tables, the collected
static files and the first administrator; a second run changes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from ganeti_webmgr import __version__
from ganeti_webmgr.accounts import ldap_settings
from ganeti_webmgr.commands import common, steps
from ganeti_webmgr.conf import credentials_key, report, secret_key

# Written last; the packages' systemd units start only once it exists.
MARKER = "initialized"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gwm-init", description=__doc__.splitlines()[0])
    p.add_argument(
        "--check",
        action="store_true",
        help="only validate the configuration and print the effective values",
    )
    p.add_argument(
        "--keys-only",
        action="store_true",
        help="only create the missing key files (for package scripts); "
        "no database, static files or administrator",
    )
    p.add_argument(
        "--noinput",
        action="store_true",
        help="never prompt; needs --admin-user and --admin-email for a new site",
    )
    p.add_argument("--admin-user", help="user name of the first administrator")
    p.add_argument("--admin-email", help="e-mail address of the first administrator")
    p.add_argument(
        "--password-file",
        type=Path,
        help="write a generated administrator password to this file (mode 0600) "
        "instead of printing it",
    )
    return p


def say(message: str) -> None:
    print(f"gwm-init: {message}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = common.load_config(require_secret_key=False)
    if args.check:
        return check(config)

    data_dir = Path(config.get("paths", "data_dir"))
    changed = False
    if not data_dir.exists() and not args.keys_only:
        data_dir.mkdir(mode=0o750, parents=True)
        say(f"created data directory {data_dir}")
        changed = True
    group = _group_of(data_dir)
    if secret_key.create(config.secret_key_file, group=group):
        say(f"created secret key {config.secret_key_file}")
        changed = True
    if credentials_key.create(config.credentials_key_file, group=group):
        say(f"created credentials key {config.credentials_key_file}")
        changed = True
    if args.keys_only:
        return 0
    common.load_config()  # now with the secret key checked
    common.drop_privileges(config)
    common.setup_django()

    applied = steps.migrate()
    if applied:
        say(f"applied {applied} database migrations")
        changed = True
    if steps.collect_static(config.get("paths", "static_root")):
        say(f"collected static files into {config.get('paths', 'static_root')}")
        changed = True
    if create_admin(args):
        changed = True

    marker = data_dir / MARKER
    if not marker.exists():
        marker.write_text(
            f"ganeti-webmgr {__version__} initialised {datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z\n"
        )
        changed = True
    if changed:
        say("done; start the server with gwm-server (packages: systemctl start ganeti-webmgr)")
    else:
        say("nothing to do: this installation is already initialised")
    return 0


def check(config) -> int:
    sys.stdout.write(report.effective(config))
    path = config.secret_key_file
    try:
        secret_key.read(path)
        state = "present"
    except Exception as error:  # reported, not raised: --check only looks
        state = str(error)
    print(f"\nSecret key: {path}: {state}")
    path = config.credentials_key_file
    try:
        credentials_key.read(path)
        state = "present"
    except Exception as error:  # reported, not raised: --check only looks
        state = str(error)
    print(f"Credentials key: {path}: {state}")
    print(f"LDAP sign-in: {ldap_settings.state(config).text}")
    return 0


def create_admin(args) -> bool:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        return False

    interactive = not args.noinput and sys.stdin.isatty()
    username, email = args.admin_user, args.admin_email
    if interactive:
        username = username or input("Administrator user name [admin]: ").strip() or "admin"
        email = email or input("Administrator e-mail address: ").strip()
    if not username or not email:
        common.fail(
            [
                "gwm-init: no administrator exists yet; give --admin-user and "
                "--admin-email (or run gwm-init on a terminal)"
            ]
        )

    password = os.environ.get("GWM_ADMIN_PASSWORD")
    generated = False
    if not password and interactive:
        password = _prompt_password()
    if not password:
        password, generated = secrets.token_urlsafe(15), True
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as error:
        common.fail(
            [f"gwm-init: administrator password rejected: {message}" for message in error.messages]
        )
    user.set_password(password)
    user.save()
    say(f"created administrator {username!r} <{email}>")
    if generated:
        if args.password_file:
            _write_private(args.password_file, password + "\n")
            say(f"its password is in {args.password_file}")
        else:
            say(f"its password, shown only this once: {password}")
    return True


def _prompt_password() -> str:
    while True:
        first = getpass.getpass("Administrator password (empty: generate one): ")
        if not first:
            return ""
        if getpass.getpass("Same password again: ") == first:
            return first
        print("The passwords differ; try again.", file=sys.stderr)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _group_of(data_dir: Path) -> str | None:
    """Give the secret key to the data directory's group (gwm in the packages)."""
    if os.geteuid() != 0 or not data_dir.exists():  # --keys-only creates no data directory
        return None
    import grp

    gid = data_dir.stat().st_gid
    return grp.getgrgid(gid).gr_name if gid != 0 else None


if __name__ == "__main__":
    sys.exit(main())
