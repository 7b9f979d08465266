"""gwm-server's gunicorn worker: uvicorn (httptools, uvloop) running the ASGI
application of ganeti_webmgr.asgi, with gunicorn's access log format.

gunicorn's own (pure-Python) asyncio worker served the same pages at about
0.7x the rate of its sync workers; uvicorn's C parser and event loop close
that gap (bench/server.py, docs/development.rst).
"""

from __future__ import annotations

import asyncio
import datetime
import sys
import time

from gunicorn.arbiter import Arbiter
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

from ganeti_webmgr.core.logs import mask_tokens


class GwmWorker(UvicornWorker):
    CONFIG_KWARGS = {
        "loop": "uvloop",
        "http": "httptools",
        # uvicorn's websockets-sansio, writing binary messages without copies.
        "ws": "ganeti_webmgr.commands.websocket_protocol:GwmWebSocketProtocol",
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

    async def _serve(self) -> None:
        self.config.app = self.wsgi
        server = _Server(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)


# How long a stopping worker waits for a request on a connection it has accepted.
REQUEST_GRACE = 1.0


class _Server(Server):
    async def shutdown(self, sockets=None) -> None:
        # gunicorn replaces every worker on a reload. uvicorn closes each connection
        # that has no request yet, and so resets a client whose connection it took
        # just before its listener closed and whose request was still on the way.
        # Such connections get a moment to send it; it is then answered as usual.
        for server in self.servers:
            server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REQUEST_GRACE
        while _awaiting_request(self.server_state.connections) and loop.time() < deadline:
            await asyncio.sleep(0.02)
        await super().shutdown(sockets)


def _awaiting_request(connections) -> bool:
    # An HTTP connection's cycle is None until its first request's headers arrive;
    # a websocket connection has no cycle at all.
    return any(getattr(c, "cycle", False) is None for c in connections)


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
    uri = mask_tokens(raw.decode("latin-1")) + (f"?{query}" if query else "")
    client = scope.get("client")
    environ = {
        "REMOTE_ADDR": client[0] if client else "-",
        "REQUEST_METHOD": scope["method"],
        "RAW_URI": uri,
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "PATH_INFO": mask_tokens(scope["path"]),
        "QUERY_STRING": query,
    }
    for name, value in scope["headers"]:
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        environ[key] = value.decode("latin-1")
    return environ
