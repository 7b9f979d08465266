"""Keyset paging of log entries, newest first or in another order.

The log only grows (a year of entries by default), so pages are found from a
cursor (the sort key, time and id of the last entry examined) through an index in
that order, never by OFFSET or COUNT(*), which cost as much as the rows they skip
or count. An order is by time alone (newest or oldest first) or by a column of the
entry (the user's name key, the action) and then time and id, all in one direction:
each has its index (audit.models).

Where rows come from is a Source: entries filtered by their own columns (the global
log, and any log searched, filtered or sorted by a column), the target rows of one
object (an object's log by time: its own index, so a VM with ten entries in a log
of millions is still a short index scan), or several merged.

With a filter (entries a reader may not see, audit.access), a page examines up to
WINDOW pages' worth of entries and shows the first ones that pass: constant work
per page; a page may show fewer when most of its window is hidden, and its "next"
link then goes on after the last entry examined, so nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Protocol

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import QueryDict

from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.core.params import primary_key

PER_PAGE = 50
WINDOW = 10  # pages' worth of entries a filtered page may examine
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# An entry's targets in the order they were named (a VM, then its cluster), as the
# list entry.target_rows: a plain list, where a queryset per entry (targets.all())
# would cost more than the entry itself (about 50 us each).
TARGETS = Prefetch("targets", queryset=Target.objects.order_by("pk"), to_attr="target_rows")
# The parameters holding a cursor: the page after it (in the list's order), and the
# page before it.
FORWARD, BACKWARD = "cursor", "back"


@dataclass(frozen=True)
class Order:
    """A log's order: by `key` (an Entry field; "" for none), then time, then id,
    every part ascending or every part descending."""

    key: str = ""
    descending: bool = True


NEWEST_FIRST = Order()

# Where a page starts or ends: (the key's value, "" in time order; time; entry id).
Cursor = tuple[str, datetime, int]


class Source(Protocol):
    def fetch(
        self, cursor: Cursor | None, backward: bool, limit: int, order: Order = NEWEST_FIRST
    ) -> list[Entry]:
        """Up to limit entries past cursor in order (or, backward, before it, nearest
        first); each with its targets (`target_rows`) and `ganeti_job_id`."""


class EntrySource:
    """Entries of a queryset (audit.queries.entries(), filtered), in any order."""

    def __init__(self, queryset: QuerySet[Entry]):
        self.queryset = queryset

    def fetch(self, cursor, backward, limit, order=NEWEST_FIRST) -> list[Entry]:
        return list(_past(self.queryset, cursor, backward, order, "pk")[:limit])


class TargetSource:
    """The entries naming one object, read from its target rows in index order (by
    time only: the rows carry the entry's time, not its other columns)."""

    def __init__(self, content_type_id: int, object_pk: int):
        self.rows = Target.objects.filter(content_type_id=content_type_id, object_pk=object_pk)

    def fetch(self, cursor, backward, limit, order=NEWEST_FIRST) -> list[Entry]:
        _by_time_only(order)
        rows = _past(self.rows, cursor, backward, order, "entry_id")
        rows = rows.select_related("entry").annotate(ganeti_job_id=F("entry__job__job_id"))
        entries = []
        for row in rows[:limit]:
            row.entry.ganeti_job_id = row.ganeti_job_id
            entries.append(row.entry)
        prefetch_related_objects(entries, TARGETS)
        return entries


class MergedSource:
    """Entries from any of several sources, each once (by time only)."""

    def __init__(self, *sources: Source):
        self.sources = sources

    def fetch(self, cursor, backward, limit, order=NEWEST_FIRST) -> list[Entry]:
        _by_time_only(order)
        # Each source's first `limit` past the cursor contain the merged first `limit`.
        found = {
            e.pk: e for source in self.sources for e in source.fetch(cursor, backward, limit, order)
        }
        descending = order.descending != backward
        ordered = sorted(found.values(), key=lambda e: (e.time, e.pk), reverse=descending)
        return ordered[:limit]


def _by_time_only(order: Order) -> None:
    if order.key:
        raise ValueError(f"this source reads entries by time only, not by {order.key!r}")


@dataclass
class LogPage:
    entries: list[Entry]
    previous: str | None  # query string of the page before this one, if any
    next: str | None  # and of the page after it
    first: str  # query string of the first page (filters and order kept)


def page(
    source: Source,
    params: QueryDict,
    per_page: int | None = None,
    keep: Callable[[list[Entry]], list[Entry]] | None = None,
    order: Order = NEWEST_FIRST,
    base: QueryDict | None = None,
) -> LogPage:
    """The page params ask for (cursor=/back= cursors); keep filters fetched entries.
    Links keep base (the list's own parameters), or else params without cursors."""
    per_page = per_page or PER_PAGE
    forward = _parse(params.get(FORWARD), order)
    backward = _parse(params.get(BACKWARD), order)
    rows: list[Entry] = []
    if backward is not None:
        rows, edge = _scan(source, backward, True, per_page, keep, order)
        rows.reverse()
        before, after = edge, rows[-1] if rows else None
    if not rows:  # the first page, pages further on, or nothing before any more
        rows, edge = _scan(source, forward, False, per_page, keep, order)
        before, after = (rows[0] if rows and forward is not None else None), edge
    links = (params if base is None else base).copy()
    return LogPage(
        entries=rows,
        previous=_link(links, BACKWARD, before, order) if before else None,
        next=_link(links, FORWARD, after, order) if after else None,
        first=_link(links, None, None, order),
    )


def in_order(
    source: Source,
    chunk: int,
    keep: Callable[[list[Entry]], list[Entry]] | None = None,
    order: Order = NEWEST_FIRST,
) -> Iterator[Entry]:
    """Every entry of source that keep passes, in order, read `chunk` at a time by
    cursor (an export: memory bounded by one chunk, whatever the log's length)."""
    cursor = None
    while True:
        rows = source.fetch(cursor, False, chunk, order)
        yield from keep(rows) if keep else rows
        if len(rows) < chunk:
            return
        cursor = _cursor_of(rows[-1], order)


def _scan(
    source: Source, cursor: Cursor | None, backward: bool, per_page: int, keep, order: Order
) -> tuple[list[Entry], Entry | None]:
    """Up to per_page entries past cursor that keep passes, and the entry to go on
    after (None at the end of the log)."""
    window = per_page * WINDOW if keep else per_page
    candidates = source.fetch(cursor, backward, window + 1, order)
    more = len(candidates) > window
    candidates = candidates[:window]
    shown = keep(candidates) if keep else candidates
    if len(shown) > per_page:
        return shown[:per_page], shown[per_page - 1]
    return shown, candidates[-1] if more else None


def _past(
    query: QuerySet, cursor: Cursor | None, backward: bool, order: Order, id_field: str
) -> QuerySet:
    """query in order past cursor (backward: before it, nearest first)."""
    ascending = order.descending == backward
    fields = [order.key, "time", id_field] if order.key else ["time", id_field]
    if cursor is not None:
        values = list(cursor) if order.key else list(cursor[1:])
        op = "gt" if ascending else "lt"
        # The plain bound on the first field is redundant but lets the database start
        # the index scan at the cursor instead of filtering every row before it.
        query = query.filter(**{f"{fields[0]}__{op}e": values[0]}).filter(
            _beyond(fields, values, op)
        )
    return query.order_by(*(name if ascending else f"-{name}" for name in fields))


def _beyond(fields: list[str], values: list, op: str) -> Q:
    """(fields) > (values) (op "gt") or < ("lt"), compared as a tuple."""
    return reduce(
        or_,
        (
            Q(**dict(zip(fields[:n], values[:n], strict=True)), **{f"{fields[n]}__{op}": values[n]})
            for n in range(len(fields))
        ),
    )


def _cursor_of(entry: Entry, order: Order) -> Cursor:
    return (getattr(entry, order.key) if order.key else "", entry.time, entry.pk)


def cursor(entry: Entry, order: Order = NEWEST_FIRST) -> str:
    """The cursor of entry as a parameter: micros.id, and .key in an order by a key."""
    micros = (entry.time - _EPOCH) // timedelta(microseconds=1)
    text = f"{micros}.{entry.pk}"
    return f"{text}.{getattr(entry, order.key)}" if order.key else text


def _parse(text: str | None, order: Order) -> Cursor | None:
    """A cursor parameter; None (the first page) when absent, mangled, or of another
    order."""
    parts = (text or "").split(".", 2)
    if len(parts) != (3 if order.key else 2) or "\x00" in parts[-1]:
        return None
    pk = primary_key(parts[1])
    try:
        when = _EPOCH + timedelta(microseconds=int(parts[0]))
    except (ValueError, OverflowError):
        return None
    return None if pk is None else (parts[2] if order.key else "", when, pk)


def _link(params: QueryDict, name: str | None, entry: Entry | None, order: Order) -> str:
    query = params.copy()
    for key in (FORWARD, BACKWARD, "page"):
        query.pop(key, None)
    if name is not None and entry is not None:
        query[name] = cursor(entry, order)
    return query.urlencode()
