from __future__ import annotations

import asyncio
import threading

from ganeti_webmgr.core import wsgi_threads
from ganeti_webmgr.core.wsgi_threads import WsgiInThreads

SCOPE = {
    "type": "http",
    "http_version": "1.1",
    "method": "POST",
    "scheme": "http",
    "path": "/vms/é",
    "query_string": b"sort=-memory",
    "root_path": "",
    "headers": [
        (b"host", b"gwm.example"),
        (b"content-type", b"text/plain"),
        (b"content-length", b"6"),
        (b"cookie", b"a=1"),
        (b"cookie", b"b=2"),
    ],
    "client": ("192.0.2.7", 51000),
    "server": ("127.0.0.1", 8080),
}


def call(app, scope=SCOPE, chunks=(b"ab", b"cdef")):
    sent = []
    parts = list(chunks)

    async def receive():
        body = parts.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(parts)}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_it_gives_django_a_wsgi_environ_and_the_whole_body():
    seen = {}

    def app(environ, start_response):
        seen.update(environ, body=environ["wsgi.input"].read())
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"made"]

    sent = call(WsgiInThreads(app, threads=1))
    assert seen["body"] == b"abcdef"
    assert seen["PATH_INFO"] == "/vms/é".encode().decode("latin-1")
    assert seen["QUERY_STRING"] == "sort=-memory"
    assert seen["CONTENT_TYPE"] == "text/plain" and seen["CONTENT_LENGTH"] == "6"
    assert seen["HTTP_COOKIE"] == "a=1; b=2"
    assert seen["REMOTE_ADDR"] == "192.0.2.7" and seen["SERVER_PORT"] == "8080"
    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"text/plain")],
        },
        {"type": "http.response.body", "body": b"made"},
    ]


def test_it_streams_large_responses_and_closes_them_in_the_request_thread(monkeypatch):
    monkeypatch.setattr(wsgi_threads, "STREAM_ABOVE", 4)
    threads = {}

    class Result:
        def __iter__(self):
            threads["ran"] = threading.get_ident()
            yield from (b"123", b"456", b"789")

        def close(self):
            threads["closed"] = threading.get_ident()

    def app(environ, start_response):
        start_response("200 OK", [])
        return Result()

    sent = call(WsgiInThreads(app, threads=2))
    assert [m.get("body") for m in sent] == [None, b"123456", b"789", b""]
    assert [m.get("more_body", False) for m in sent[1:]] == [True, True, False]
    assert threads["closed"] == threads["ran"] != threading.get_ident()


def test_it_drops_a_request_whose_client_went_away():
    def app(environ, start_response):
        raise AssertionError("not called")

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        raise AssertionError("nothing to send")

    asyncio.run(WsgiInThreads(app, threads=1)(SCOPE, receive, send))
