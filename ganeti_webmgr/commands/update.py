"""gwm-update: bring an initialised installation up to date after an upgrade.

Checks the configuration, backs up an SQLite database, applies migrations and
collects static files. Safe to run any time; does nothing when nothing is due.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganeti_webmgr.commands import common, steps


def say(message: str) -> None:
    print(f"gwm-update: {message}")


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="gwm-update", description=__doc__.splitlines()[0]).parse_args(argv)
    config = common.load_config()
    common.drop_privileges(config)
    common.setup_django()

    changed = False
    pending = steps.pending_migrations()
    if pending:
        backup = None
        if config.get("database", "engine") == "sqlite":
            database = Path(config.get("database", "name"))
            backup = steps.backup_sqlite(database, Path(config.get("paths", "data_dir")))
            if backup:
                say(f"saved the database to {backup}")
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
