"""Deleting entries older than `[audit] retention_days`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from ganeti_webmgr import conf
from ganeti_webmgr.audit.models import Entry

logger = logging.getLogger(__name__)

# Rows per DELETE: small transactions keep SQLite's write lock and InnoDB's undo log short.
BATCH = 2000


def retention_days() -> int:
    return conf.current().get("audit", "retention_days")


def prune(
    days: int | None = None, *, now: datetime | None = None, max_batches: int | None = None
) -> int:
    """Delete entries older than `days` (default: the configured retention) in batches.

    0 days keeps everything. With max_batches, stops after that many batches (the
    worker's daily run stays short; it comes back sooner when there is more).
    Returns the number of entries deleted.
    """
    days = retention_days() if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = batches = 0
    while max_batches is None or batches < max_batches:
        # Oldest first, by the time index; targets go with their entries (CASCADE).
        ids = list(
            Entry.objects.filter(time__lt=cutoff)
            .order_by("time")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            break
        with transaction.atomic():
            _, per_model = Entry.objects.filter(pk__in=ids).delete()
        # Another worker may be pruning too: count what this one deleted.
        deleted += per_model.get(Entry._meta.label, 0)
        batches += 1
    return deleted


class DailyPruning:
    """gwm-worker's pruning: at its start, then once a day (run_if_due from its loop).

    Each run deletes at most MAX_BATCHES batches, so the loop is never held up long;
    a larger backlog, or a failed run, is taken up again an hour later. Between runs
    run_if_due costs one clock read.
    """

    EVERY, RETRY, MAX_BATCHES = 86400.0, 3600.0, 20

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.next_run = clock()

    def run_if_due(self) -> bool:
        now = self.clock()
        if now < self.next_run:
            return False
        self.next_run = now + self.EVERY
        try:
            deleted = prune(max_batches=self.MAX_BATCHES)
        except DatabaseError:  # busy or unreachable database: not worth stopping the worker
            logger.exception("audit log pruning failed; trying again in an hour")
            self.next_run = now + self.RETRY
            return True
        if deleted:
            logger.info("audit log: deleted %d entries past their retention", deleted)
        if deleted >= self.MAX_BATCHES * BATCH:
            self.next_run = now + self.RETRY
        return True
