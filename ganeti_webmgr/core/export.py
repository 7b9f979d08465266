"""Lists as CSV and JSON, streamed in bounded memory: the list's ids first (in its
order, under its filters and permissions), then the rows a chunk at a time, each
chunk written before the next is read."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from ganeti_webmgr.core.listing import csv_cell

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def refused_format(request) -> HttpResponse | None:
    """The 400 for a ?format= that is neither csv nor json (None when it is one)."""
    fmt = request.GET.get("format", "csv")
    if fmt in FORMATS:
        return None
    return HttpResponse(
        _("format: csv or json, not %(format)r") % {"format": fmt},
        status=400,
        content_type="text/plain",
    )


def rows_in_chunks(
    queryset, fields: Sequence[str], chunk: int, ids: Sequence | None = None
) -> Iterable[tuple]:
    """values_list(*fields) of queryset, in its order (or in that of ids, its pks as
    ListQuery.ids gives them), read `chunk` rows at a time.

    Not iterator(): MariaDB's client library reads a whole result into memory, so
    only its ids are read at once (a few bytes a row), then each chunk by id.
    """
    if not isinstance(ids, list):
        query = queryset.values_list("pk", flat=True) if ids is None else ids
        ids = list(query.iterator(chunk_size=chunk * 10))
    rows = queryset.model._base_manager.using(queryset.db)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        found = {row[0]: row[1:] for row in rows.filter(pk__in=part).values_list("pk", *fields)}
        yield from (found[pk] for pk in part if pk in found)


class _Line:
    """A file for csv.writer that hands back what it was given."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def json_lines(keys: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """A JSON array of objects, one per line."""
    yield "[\n"
    separator = ""
    for row in rows:
        yield separator + json.dumps(dict(zip(keys, row, strict=True)), default=str)
        separator = ",\n"
    yield "\n]\n"


def _joined(lines: Iterable[str], size: int = 200) -> Iterable[str]:
    """lines in pieces of `size`: one write to the client for many rows, not one each."""
    piece: list[str] = []
    for line in lines:
        piece.append(line)
        if len(piece) == size:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def response(fmt: str, filename: str, keys: Sequence[str], rows: Iterable[Sequence]):
    lines = csv_lines(keys, rows) if fmt == "csv" else json_lines(keys, rows)
    result = StreamingHttpResponse(_joined(lines), content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    result["Cache-Control"] = "no-store"
    result["X-Content-Type-Options"] = "nosniff"
    return result


def objects_in_chunks(ids: Sequence, chunk: int, fetch) -> Iterable:
    """The rows fetch(some ids) gives (a queryset with what a row needs prefetched),
    `chunk` ids at a time, in the order of ids."""
    ids = list(ids)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        found = {row.pk: row for row in fetch(part)}
        yield from (found[pk] for pk in part if pk in found)
