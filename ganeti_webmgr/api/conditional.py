"""ETags on detail answers: a client that sends If-None-Match with the ETag it has gets
304 and no body while nothing it would see has changed."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.response import Response


def etag_of(data) -> str:
    text = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def matches(request, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in sent.split(",")}
    return etag in tags or "*" in tags


def detail(request, data, status: int = 200) -> Response:
    """data as the answer, with its ETag; 304 when the client has it already."""
    etag = etag_of(data)
    if request.method in ("GET", "HEAD") and matches(request, etag):
        return Response(status=304, headers={"ETag": etag})
    return Response(data, status=status, headers={"ETag": etag})
