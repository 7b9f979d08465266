"""gwm-manage import-gwm011: import a GWM 0.11 installation's database.

Exit codes: 0 imported (or dry run shown), 1 the source cannot be read,
2 the SECRET_KEY does not decrypt a cluster's password (nothing imported).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ganeti_webmgr.gwm011 import importer, source


class Command(BaseCommand):
    help = (
        "Import users, groups, clusters, quotas, permissions, SSH keys, VM owners, "
        "VM templates and the object log from a GWM 0.11 database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            required=True,
            help="the 0.11 database: sqlite:///path, postgresql://user:pw@host/name "
            "or mysql://user:pw@host/name (read only)",
        )
        parser.add_argument(
            "--secret-key-file",
            required=True,
            type=Path,
            help="a file holding the 0.11 installation's SECRET_KEY (its settings.py's)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be imported; change nothing"
        )

    def handle(self, *args, database, secret_key_file, dry_run, **options):
        secret_key = _read_key(secret_key_file)
        try:
            connection = source.connect(database)
            try:
                data = source.read(connection)
            finally:
                connection.close()
        except source.SourceError as error:
            raise CommandError(str(error)) from None
        try:
            report = importer.run(data, secret_key, dry_run=dry_run)
        except importer.DecryptionFailed as error:
            raise CommandError(str(error), returncode=2) from None
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in report.lines():
            self.stdout.write(line)


def _read_key(path: Path) -> str:
    try:
        text = path.read_text()
    except OSError as error:
        raise CommandError(f"--secret-key-file: {error}") from None
    # The file holds the key itself; one trailing newline is the editor's, not the key's.
    key = text[:-1] if text.endswith("\n") else text
    if not key:
        raise CommandError(f"--secret-key-file: {path} is empty")
    return key
