"""Requests per minute for each token ([api] token_rate), counted in the token's row:
every gwm-server worker and host sees the same count."""

from __future__ import annotations

import time

from django.db.models import Case, F, Value, When
from rest_framework.throttling import BaseThrottle

from ganeti_webmgr import conf
from ganeti_webmgr.api.models import Token

WINDOW = 60  # seconds


def rate() -> int:
    return conf.current().get("api", "token_rate")


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
        # window is full: atomic however many workers serve the token.
        counted = (
            Token.objects.filter(pk=token.pk)
            .exclude(window_start=start, window_requests__gte=limit)
            .update(
                window_requests=Case(
                    When(window_start=start, then=F("window_requests") + 1), default=Value(1)
                ),
                window_start=start,
            )
        )
        return counted == 1

    def wait(self):
        return getattr(self, "_wait", WINDOW)
