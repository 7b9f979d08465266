"""Django's WSGI application as an ASGI application, run in a pool of threads.

One hand-off per page: the request body is read on the event loop, the WSGI
call and the reading of its response run in one pool thread (Django's
database connections belong to the thread that ran the request), and a
response of up to STREAM_ABOVE bytes goes back as one message. Larger or
streaming responses are sent from the thread as they are produced, each chunk
waiting for the event loop to take it. This costs less per request than
a2wsgi's general-purpose middleware (bench/server.py).
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

STREAM_ABOVE = 1 << 20
# Request bodies above this go to a temporary file rather than memory.
SPOOL_ABOVE = 1 << 20


class WsgiInThreads:
    def __init__(self, app, threads: int):
        self.app = app
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="gwm-page")

    async def __call__(self, scope, receive, send) -> None:
        body = await _read_body(receive)
        if body is None:
            return  # the client went away before sending the whole request
        environ = _environ(scope, body)
        loop = asyncio.get_running_loop()
        ready = await loop.run_in_executor(self.executor, self._run, environ, loop, send)
        if ready is not None:
            status, headers, content = ready
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})

    def _run(self, environ, loop, send):
        """In a pool thread: (status, headers, body), or None once it has sent
        a large response itself."""
        started: list = []

        def start_response(status, headers, exc_info=None):
            # Nothing has been sent before the application returns: an error
            # page (exc_info) simply replaces the response.
            started[:] = [status, headers]
            return chunks.append

        chunks: list[bytes] = []
        result = self.app(environ, start_response)
        try:
            size = 0
            iterator = iter(result)
            for chunk in iterator:
                if chunk:
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > STREAM_ABOVE:
                        break
            else:
                return (*_start(started), b"".join(chunks))

            def put(message):
                asyncio.run_coroutine_threadsafe(send(message), loop).result()

            status, headers = _start(started)
            put({"type": "http.response.start", "status": status, "headers": headers})
            put({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
            for chunk in iterator:
                if chunk:
                    put({"type": "http.response.body", "body": chunk, "more_body": True})
            put({"type": "http.response.body", "body": b""})
            return None
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()


def _start(started: list) -> tuple[int, list]:
    status, headers = started
    return int(status[:3]), [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
    ]


async def _read_body(receive):
    message = await receive()
    if message["type"] == "http.disconnect":
        return None
    first = message.get("body", b"")
    if not message.get("more_body"):
        return io.BytesIO(first)
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_ABOVE)  # noqa: SIM115 - the request's
    body.write(first)
    while message.get("more_body"):
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        body.write(message.get("body", b""))
    body.seek(0)
    return body


def _environ(scope, body) -> dict:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if client:
        environ["REMOTE_ADDR"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + name
        if key in environ:
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
        environ[key] = value
    return environ
