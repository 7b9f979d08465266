"""Lists as CSV and JSON, streamed: rows are written as the database returns them, so
an export of any size takes bounded memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse

from ganeti_webmgr.core.listing import csv_cell

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


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


def response(fmt: str, filename: str, keys: Sequence[str], rows: Iterable[Sequence]):
    lines = csv_lines(keys, rows) if fmt == "csv" else json_lines(keys, rows)
    result = StreamingHttpResponse(lines, content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    result["Cache-Control"] = "no-store"
    result["X-Content-Type-Options"] = "nosniff"
    return result
