"""Requests per minute for each token ([api] token_rate), counted in the token's row:
every gwm-server worker and host sees the same count."""

from __future__ import annotations

import functools
import time

from django.db import connection
from rest_framework.throttling import BaseThrottle

from ganeti_webmgr import conf
from ganeti_webmgr.api.models import Token

WINDOW = 60  # seconds


def rate() -> int:
    return conf.current().get("api", "token_rate")


@functools.cache
def _count_sql(vendor: str) -> str:
    """The throttle's UPDATE; parameters: the window's start twice, the token's id,
    the start and the limit."""
    quote = connection.ops.quote_name
    table, count, start = (
        quote(name) for name in (Token._meta.db_table, "window_requests", "window_start")
    )
    # Names from the model; every value is a parameter.
    return (
        f"UPDATE {table} SET {count} = CASE WHEN {start} = %s THEN {count} + 1 ELSE 1 END,"  # noqa: S608
        f" {start} = %s WHERE {quote('id')} = %s AND NOT ({start} = %s AND {count} >= %s)"
    )


class PerToken(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, Token):
            return True  # the session: a person at the web UI
        limit = rate()
        if not limit:
            return True
        now = int(time.time())
        start = now - now % WINDOW
        self._wait = start + WINDOW - now
        # One conditional UPDATE counts the request, or changes nothing when the
        # window is full: atomic however many workers serve the token. Written out,
        # as every API request runs it. window_requests is set first: MySQL reads
        # the columns set before it in the statement at their new values.
        with connection.cursor() as cursor:
            cursor.execute(_count_sql(connection.vendor), [start, start, token.pk, start, limit])
            counted = cursor.rowcount
        return counted == 1

    def wait(self):
        return getattr(self, "_wait", WINDOW)
