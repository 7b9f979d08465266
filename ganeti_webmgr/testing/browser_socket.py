"""The browser's end of a console websocket, driven in-process: the ASGI messages a
browser's websocket would bring to gwm-server's console application, and what it
sends back. The console tests' noVNC and xterm.js stand-ins build on it."""

from __future__ import annotations

import asyncio


class BrowserSocket:
    def __init__(self, scope: dict):
        self.scope = scope
        self.incoming: asyncio.Queue = asyncio.Queue()
        self.outgoing: asyncio.Queue = asyncio.Queue()

    async def receive(self) -> dict:
        return await self.incoming.get()

    async def send(self, message: dict) -> None:
        await self.outgoing.put(message)

    def start(self) -> asyncio.Future:
        """The handshake's connect, and the console application serving it."""
        from ganeti_webmgr.console import websocket

        self.incoming.put_nowait({"type": "websocket.connect"})
        return asyncio.ensure_future(websocket.serve(self.scope, self.receive, self.send))

    async def next(self) -> dict:
        """The application's next message (accept, send, close), within 10 s."""
        return await asyncio.wait_for(self.outgoing.get(), 10)

    def close(self) -> None:
        self.incoming.put_nowait({"type": "websocket.disconnect", "code": 1000})
