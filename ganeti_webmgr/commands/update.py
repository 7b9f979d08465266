"""gwm-update: bring an initialised installation up to date after an upgrade.

Checks the configuration, backs up an SQLite database, applies migrations and
collects static files. Safe to run any time; does nothing when nothing is due.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganeti_webmgr.commands import common, steps
from ganeti_webmgr.commands.init import MARKER


def say(message: str) -> None:
    print(f"gwm-update: {message}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gwm-update", description=__doc__.splitlines()[0])
    p.add_argument(
        "--backup",
        action="store_true",
        help="save an SQLite database to <data_dir>/backups even when no migration is due "
        "(the packages do this on every upgrade)",
    )
    p.add_argument(
        "--if-initialised",
        action="store_true",
        help="do nothing, successfully, when gwm-init has not run yet (for package scripts)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.if_initialised:
        config = common.load_config(require_secret_key=False)
        if not (Path(config.get("paths", "data_dir")) / MARKER).exists():
            say("not initialised yet (run gwm-init): nothing to update")
            return 0
    config = common.load_config()
    common.drop_privileges(config)
    common.setup_django()

    changed = False
    pending = steps.pending_migrations()
    backup = None
    database = Path(config.get("database", "name"))
    if (pending or args.backup) and config.get("database", "engine") == "sqlite":
        backup = steps.backup_sqlite(database, Path(config.get("paths", "data_dir")))
        if backup:
            say(f"saved the database to {backup}")
    if pending:
        try:
            steps.migrate()
        except Exception as error:
            print(f"gwm-update: migration failed: {error}", file=sys.stderr)
            if backup:
                print(
                    f"gwm-update: the database as it was before is in {backup}; to go back, "
                    f"stop ganeti-webmgr and run: cp {backup} {database}",
                    file=sys.stderr,
                )
            else:
                print(
                    "gwm-update: restore the database from your last backup if the "
                    "engine could not roll the migration back",
                    file=sys.stderr,
                )
            return 1
        say(f"applied {len(pending)} database migrations")
        changed = True
    if steps.collect_static(config.get("paths", "static_root")):
        say(f"collected static files into {config.get('paths', 'static_root')}")
        changed = True
    if not changed:
        say("nothing to do: database and static files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
