"""Setup steps shared by gwm-init and gwm-update; each says whether it changed anything."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

STATIC_STAMP = ".gwm-collected"


def pending_migrations() -> list:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def migrate() -> int:
    """Apply pending migrations; returns how many were applied."""
    from django.core.management import call_command

    count = len(pending_migrations())
    if count:
        call_command("migrate", interactive=False, verbosity=0)
    return count


def _static_sources_digest() -> str:
    """A digest of every file collectstatic would copy (path and content)."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    found = {}
    for finder in get_finders():
        for path, storage in finder.list([]):
            found.setdefault(path, storage)  # the first finder wins, as in collectstatic
    for path in sorted(found):
        digest.update(path.encode() + b"\0")
        with found[path].open(path) as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def collect_static(static_root: str) -> bool:
    """Run collectstatic unless the collected files are already from these sources.

    collectstatic itself always rewrites the post-processed files; the stamp keeps a
    second gwm-init or gwm-update from touching anything.
    """
    from django.core.management import call_command

    stamp = Path(static_root) / STATIC_STAMP
    digest = _static_sources_digest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest + "\n")
    return True


def backup_sqlite(database: Path, data_dir: Path) -> Path | None:
    """Copy the SQLite database to a timestamped file in data_dir/backups.

    Uses SQLite's online backup so the copy is consistent even with WAL files
    beside the database.
    """
    if not database.exists():
        return None
    backups = data_dir / "backups"
    backups.mkdir(mode=0o750, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups / f"{database.name}.{stamp}"
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()
    target.chmod(0o640)
    return target
