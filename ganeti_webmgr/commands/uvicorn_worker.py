"""gwm-server's gunicorn worker: uvicorn (httptools, uvloop) running the ASGI
application of ganeti_webmgr.asgi, with gunicorn's access log format.

gunicorn's own (pure-Python) asyncio worker served the same pages at about
0.7x the rate of its sync workers; uvicorn's C parser and event loop close
that gap (bench/server.py, docs/development.rst).
"""

from __future__ import annotations

import datetime
import time

from uvicorn_worker import UvicornWorker


class GwmWorker(UvicornWorker):
    CONFIG_KWARGS = {
        "loop": "uvloop",
        "http": "httptools",
        "ws": "websockets-sansio",
        # Browsers offer permessage-deflate, and uvicorn takes it by default. A
        # console's RFB encodings compress already; deflating each frame again cut
        # the proxy's throughput to a fifth (bench/console.py, docs/development.rst).
        "ws_per_message_deflate": False,
        "lifespan": "on",
        # Requests are logged by gunicorn's logger (below), in its format.
        "access_log": False,
        "server_header": False,
        # REMOTE_ADDR stays the peer, as under gunicorn's own workers: GWM reads
        # X-Forwarded-For and -Proto itself ([web] behind_tls_proxy, the audit log).
        "proxy_headers": False,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A TERM lets open requests finish for gunicorn's graceful timeout.
        self.config.timeout_graceful_shutdown = self.cfg.graceful_timeout

    def load_wsgi(self):
        super().load_wsgi()
        if self.log.access_log_enabled:
            self.wsgi = _AccessLog(self.wsgi, self.log)


class _Response:
    def __init__(self):
        self.status = 500
        self.headers: list = []
        self.sent = 0


class _AccessLog:
    """Hands each HTTP request to gunicorn's access logger as its workers do."""

    def __init__(self, app, log):
        self.app, self.log = app, log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.monotonic()
        response = _Response()

        async def logged_send(message):
            kind = message["type"]
            if kind == "http.response.start":
                response.status = message["status"]
                response.headers = [
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]
                ]
            elif kind == "http.response.body":
                response.sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            elapsed = datetime.timedelta(seconds=time.monotonic() - start)
            self.log.access(response, _headers(scope), _environ(scope), elapsed)


def _headers(scope) -> list:
    return [(k.decode("latin-1").upper(), v.decode("latin-1")) for k, v in scope["headers"]]


def _environ(scope) -> dict:
    query = scope.get("query_string", b"").decode("latin-1")
    raw = scope.get("raw_path") or scope["path"].encode()
    uri = raw.decode("latin-1") + (f"?{query}" if query else "")
    client = scope.get("client")
    environ = {
        "REMOTE_ADDR": client[0] if client else "-",
        "REQUEST_METHOD": scope["method"],
        "RAW_URI": uri,
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "PATH_INFO": scope["path"],
        "QUERY_STRING": query,
    }
    for name, value in scope["headers"]:
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        environ[key] = value.decode("latin-1")
    return environ
