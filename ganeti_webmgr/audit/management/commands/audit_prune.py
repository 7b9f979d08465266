"""gwm-manage audit_prune [--days N]: delete audit log entries past their retention now.

gwm-worker does the same once a day; this is for a first clean-up or cron.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ganeti_webmgr.audit.retention import prune, retention_days


class Command(BaseCommand):
    help = "Delete audit log entries older than [audit] retention_days (or --days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="keep this many days instead of [audit] retention_days (0: keep all)",
        )

    def handle(self, *args, days: int | None, **options):
        days = retention_days() if days is None else days
        if days <= 0:
            self.stdout.write("Retention is 0 days (keep forever): nothing deleted.")
            return
        deleted = prune(days)
        noun = "entry" if deleted == 1 else "entries"
        self.stdout.write(f"Deleted {deleted} audit log {noun} older than {days} days.")
