"""ASGI entry point of gwm-server: Django's WSGI application for HTTP, run in a
thread pool, and websockets beside it on the same port.

Django's own ASGI handler was 3-8x slower on our (all synchronous) pages than
gunicorn's sync workers; the WSGI app in threads (core/wsgi_threads.py) under
uvicorn's worker is on par with them (bench/server.py).
"""

from __future__ import annotations

import os

from ganeti_webmgr.core.wsgi_threads import WsgiInThreads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganeti_webmgr.settings")


def make_application(threads: int):
    """The application of one worker process, serving `threads` pages at a time."""
    from ganeti_webmgr.wsgi import application as wsgi_application

    http = WsgiInThreads(wsgi_application, threads)
    # After the WSGI module: it sets Django up, and the console uses models.
    from ganeti_webmgr.console.websocket import serve as console

    async def application(scope, receive, send):
        kind = scope["type"]
        if kind == "http":
            await http(scope, receive, send)
        elif kind == "websocket":
            await console(scope, receive, send)
        elif kind == "lifespan":
            await lifespan(receive, send)

    return application


async def lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
