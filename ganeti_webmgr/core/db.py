"""Database helpers shared by the sync and the worker."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Lock conflicts the database resolves by aborting one transaction, which may then
# simply run again: MariaDB/MySQL deadlock and lock wait timeout; PostgreSQL
# serialization failure and deadlock; SQLite's busy database.
_MYSQL_CODES = {1213, 1205}
_POSTGRES_STATES = {"40001", "40P01"}


def is_transient(error: OperationalError) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _POSTGRES_STATES:
        return True
    args = getattr(cause, "args", ())
    if args and args[0] in _MYSQL_CODES:
        return True
    return "database is locked" in str(error)


def atomic_with_retry(work: Callable[[], T], attempts: int = 4) -> T:
    """Run work in a transaction, again (after a short pause) when it lost a lock conflict."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if attempt == attempts or not is_transient(error):
                raise
            logger.info("transaction lost a lock conflict (%s); attempt %d", error, attempt + 1)
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")
