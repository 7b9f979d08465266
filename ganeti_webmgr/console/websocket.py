"""The console websocket: an ASGI application for gwm-server's websocket scope.

The handshake is refused (HTTP 403) unless the session, the Origin, the
permission and a one-time ticket check out. Past that, what goes wrong (the VM
is stopped, the node does not answer, the VNC password is wrong) reaches noVNC
as RFB's refusal with a readable reason.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async

from ganeti_webmgr import conf
from ganeti_webmgr.console import rfb, sessions
from ganeti_webmgr.console.relay import Limits, relay
from ganeti_webmgr.console.target import NoConsole, vnc_target

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT = 5.0
# How often a running session checks that its user still may use it.
RECHECK_SECONDS = 15.0


def _in_thread(function):
    # Database work off the event loop; each call in a thread of its own.
    return sync_to_async(function, thread_sensitive=False)


async def serve(scope, receive, send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    try:
        opened = await _in_thread(sessions.open_session)(scope)
    except sessions.Refused as refusal:
        logger.info("console websocket refused: %s", refusal)
        await send({"type": "websocket.close", "code": 1008})
        return
    requested = scope.get("subprotocols") or []
    await send(
        {"type": "websocket.accept", "subprotocol": "binary" if "binary" in requested else None}
    )
    browser = _Browser(receive, send)
    ended = None
    try:
        ended = await _vnc(opened, browser)
    finally:
        if ended is None:
            ended = ("error", 0.0, 0, 0)
        await _in_thread(sessions.close_session)(opened, *ended)
        await browser.close()


async def _vnc(opened, browser) -> tuple:
    try:
        target = await _in_thread(vnc_target)(opened.vm)
        server = await _connect(target, opened.vm)
    except NoConsole as problem:
        await rfb.greet_browser(browser.read, browser.write, failure=str(problem))
        return ("unavailable", 0.0, 0, 0)
    try:
        await rfb.greet_browser(browser.read, browser.write)
    except (rfb.RfbError, EOFError):
        server[1].close()
        return ("browser", 0.0, 0, 0)
    limits = Limits(
        idle=conf.current().get("console", "idle_minutes") * 60.0,
        maximum=conf.current().get("console", "max_hours") * 3600.0,
        recheck=RECHECK_SECONDS,
    )

    async def allowed() -> bool:
        return await _in_thread(sessions.still_allowed)(opened)

    ended = await relay(browser.next_message, browser.write, server, limits, allowed)
    return (ended.reason, ended.seconds, ended.to_server, ended.to_browser)


async def _connect(target, vm):
    """An authenticated RFB connection to the node, up to ClientInit."""
    where = f"{vm.primary_node.name} ({target.host}:{target.port})"
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(target.host, target.port), CONNECT_TIMEOUT
        )
    except (TimeoutError, OSError) as error:
        raise NoConsole(
            f"the console port on {where} does not answer: {error or 'timeout'}"
        ) from None

    async def write(data: bytes) -> None:
        writer.write(data)
        await writer.drain()

    try:
        await asyncio.wait_for(
            rfb.authenticate_upstream(reader.readexactly, write, target.password), CONNECT_TIMEOUT
        )
    except (TimeoutError, rfb.RfbError, OSError, EOFError) as error:
        writer.close()
        text = str(error) if isinstance(error, rfb.RfbError) else "it closed the connection"
        raise NoConsole(f"the VNC server on {where}: {text}") from None
    return reader, writer


class _Browser:
    """The websocket as the RFB code and the relay read and write it."""

    def __init__(self, receive, send):
        self._receive, self._send = receive, send
        self._buffer = bytearray()
        self.closed = False

    async def next_message(self) -> bytes | None:
        if self._buffer:
            data, self._buffer = bytes(self._buffer), bytearray()
            return data
        while True:
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                self.closed = True
                return None
            data = message.get("bytes") or (message.get("text") or "").encode()
            if data:
                return data

    async def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                self.closed = True
                raise EOFError("the browser closed the console")
            self._buffer += message.get("bytes") or (message.get("text") or "").encode()
        data, self._buffer = bytes(self._buffer[:size]), self._buffer[size:]
        return data

    async def write(self, data: bytes) -> None:
        await self._send({"type": "websocket.send", "bytes": data})

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                await self._send({"type": "websocket.close", "code": 1000})
            except Exception:
                logger.debug("console websocket already closed")
