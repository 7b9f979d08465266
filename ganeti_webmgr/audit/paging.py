"""Keyset paging of log entries, newest first.

The log only grows (a year of entries by default), so pages are found from a
cursor (time and id of the last entry examined) through an index in time order,
never by OFFSET or COUNT(*), which cost as much as the rows they skip or count.

Where rows come from is a Source: entries filtered by their own columns (the global
log), the target rows of one object (an object's log: its own index, so a VM with
ten entries in a log of millions is still a short index scan), or several merged.

With a filter (entries a reader may not see, audit.access), a page examines up to
WINDOW pages' worth of entries and shows the first PER_PAGE that pass: constant
work per page; a page may show fewer when most of its window is hidden, and its
"older" link then goes on after the last entry examined, so nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.http import QueryDict

from ganeti_webmgr.audit.models import Entry, Target

PER_PAGE = 50
WINDOW = 10  # pages' worth of entries a filtered page may examine
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Key = tuple[datetime, int]  # (time, entry id)


class Source(Protocol):
    def fetch(self, cursor: Key | None, newer: bool, limit: int) -> list[Entry]:
        """Up to limit entries past cursor: older ones newest first, or (newer) newer
        ones oldest first; each with its targets and `ganeti_job_id`."""


class EntrySource:
    """Entries of a queryset (audit.queries.entries(), filtered)."""

    def __init__(self, queryset: QuerySet[Entry]):
        self.queryset = queryset

    def fetch(self, cursor: Key | None, newer: bool, limit: int) -> list[Entry]:
        return list(_after(self.queryset, cursor, newer, "pk")[:limit])


class TargetSource:
    """The entries naming one object, read from its target rows in index order."""

    def __init__(self, content_type_id: int, object_pk: int):
        self.rows = Target.objects.filter(content_type_id=content_type_id, object_pk=object_pk)

    def fetch(self, cursor: Key | None, newer: bool, limit: int) -> list[Entry]:
        rows = _after(self.rows, cursor, newer, "entry_id")
        rows = rows.select_related("entry").annotate(ganeti_job_id=F("entry__job__job_id"))
        entries = []
        for row in rows[:limit]:
            row.entry.ganeti_job_id = row.ganeti_job_id
            entries.append(row.entry)
        prefetch_related_objects(entries, "targets")
        return entries


class MergedSource:
    """Entries from any of several sources, each once."""

    def __init__(self, *sources: Source):
        self.sources = sources

    def fetch(self, cursor: Key | None, newer: bool, limit: int) -> list[Entry]:
        # Each source's first `limit` past the cursor contain the merged first `limit`.
        found = {e.pk: e for source in self.sources for e in source.fetch(cursor, newer, limit)}
        ordered = sorted(found.values(), key=lambda e: (e.time, e.pk), reverse=not newer)
        return ordered[:limit]


@dataclass
class LogPage:
    entries: list[Entry]
    newer: str | None  # query string of the page of newer entries, if any
    older: str | None
    first: str  # query string of the newest page (filters kept)


def page(
    source: Source,
    params: QueryDict,
    per_page: int | None = None,
    keep: Callable[[list[Entry]], list[Entry]] | None = None,
) -> LogPage:
    """The page params ask for (before=/after= cursors); keep filters fetched entries."""
    per_page = per_page or PER_PAGE
    before, after = _parse(params.get("before")), _parse(params.get("after"))
    rows: list[Entry] = []
    if after is not None:
        rows, edge = _scan(source, after, True, per_page, keep)
        rows.reverse()
        newer, older = edge, rows[-1] if rows else None
    if not rows:  # first page, older pages, or nothing newer any more
        rows, edge = _scan(source, before, False, per_page, keep)
        newer, older = (rows[0] if rows and before is not None else None), edge
    return LogPage(
        entries=rows,
        newer=_link(params, "after", newer) if newer else None,
        older=_link(params, "before", older) if older else None,
        first=_link(params, None, None),
    )


def _scan(
    source: Source, cursor: Key | None, newer: bool, per_page: int, keep
) -> tuple[list[Entry], Entry | None]:
    """Up to per_page entries past cursor that keep passes, and the entry to go on
    after (None at the end of the log)."""
    window = per_page * WINDOW if keep else per_page
    candidates = source.fetch(cursor, newer, window + 1)
    more = len(candidates) > window
    candidates = candidates[:window]
    shown = keep(candidates) if keep else candidates
    if len(shown) > per_page:
        return shown[:per_page], shown[per_page - 1]
    return shown, candidates[-1] if more else None


def _after(query: QuerySet, cursor: Key | None, newer: bool, id_field: str) -> QuerySet:
    """query past cursor in time order, by (time, id_field): ascending when newer."""
    if cursor is not None:
        time, pk = cursor
        # The plain bound on time is redundant but lets the database start the index
        # scan at the cursor instead of filtering every row before it.
        if newer:
            query = query.filter(time__gte=time).filter(
                Q(time__gt=time) | Q(**{f"{id_field}__gt": pk})
            )
        else:
            query = query.filter(time__lte=time).filter(
                Q(time__lt=time) | Q(**{f"{id_field}__lt": pk})
            )
    return query.order_by(*(("time", id_field) if newer else ("-time", f"-{id_field}")))


def cursor(entry: Entry) -> str:
    micros = (entry.time - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{entry.pk}"


def _parse(text: str | None) -> Key | None:
    try:
        micros, pk = (int(part) for part in (text or "").split("."))
        return _EPOCH + timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None  # absent or mangled: start from the newest


def _link(params: QueryDict, name: str | None, entry: Entry | None) -> str:
    query = params.copy()
    query.pop("before", None)
    query.pop("after", None)
    if name is not None and entry is not None:
        query[name] = cursor(entry)
    return query.urlencode()
