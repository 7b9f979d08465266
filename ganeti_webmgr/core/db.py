"""Database helpers shared by the sync, the worker and the lists' queries."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.db import OperationalError, connections, models, router, transaction
from django.db.models import Func
from django.db.models.constants import OnConflict

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


def _adapters(fields, connection) -> list:
    """Per column, how to turn a Python value into a driver parameter.

    Only JSON and datetime columns need Django's adaptation; plain values go as
    they are, which is what makes these writes several times faster than
    bulk_create/bulk_update on thousands of rows.
    """
    adapters = []
    for field in fields:
        if isinstance(field, (models.JSONField, models.DateTimeField)):
            adapters.append(partial(field.get_db_prep_save, connection=connection))
        else:
            adapters.append(None)
    return adapters


def _rows(records: list[dict], fields, adapters, defaults: dict):
    for record in records:
        row = []
        for field, adapt in zip(fields, adapters, strict=True):
            name = "pk" if field.primary_key else field.attname
            value = record[name] if name in record else defaults.get(name)
            row.append(adapt(value) if adapt else value)
        yield row


def insert_rows(
    model, records: list[dict], ignore_conflicts: bool = False, batch: int = 500
) -> None:
    """INSERT rows given as {attname: value} (missing columns get their default)."""
    connection = connections[router.db_for_write(model)]
    ops, quote = connection.ops, connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    suffix = ops.on_conflict_suffix_sql(fields, on_conflict, None, None) if on_conflict else ""
    if suffix:
        sql += " " + suffix
    rows = list(_rows(records, fields, _adapters(fields, connection), defaults))
    _execute_many(connection, sql, rows, batch)


def update_rows(model, records: list[dict], batch: int = 500) -> None:
    """UPDATE rows given as {"pk": ..., attname: value}; all records set the same columns."""
    if not records:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in records[0] if name != "pk"]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET "  # noqa: S608 - quoted identifiers from the model; values are parameters
        f"{', '.join(f'{quote(f.column)} = %s' for f in fields)} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    fields_and_pk = [*fields, model._meta.pk]
    adapters = [*_adapters(fields, connection), None]
    rows = list(_rows(records, fields_and_pk, adapters, {}))
    _execute_many(connection, sql, rows, batch)


def _execute_many(connection, sql: str, rows: list, batch: int) -> None:
    # Batches bound the statement size (MariaDB turns executemany into one INSERT).
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


class Unindexed(Func):
    """A column compared as a value, not looked up in its index, on SQLite (its
    unary plus); as it is elsewhere. Given an OR whose every term has an index
    (VMs of these clusters, or these VM ids), SQLite reads each term's rows
    through its index, row by row, and sorts their union: a page of a list then
    costs every match. One term it cannot look up makes it scan the sort's index
    in order instead, testing the OR on the index entries, and stop at the page's
    end (bench/vm_list.py)."""

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params
