"""The console websocket: an ASGI application for gwm-server's websocket scope.

The handshake is refused (HTTP 403) unless the session, the Origin, the
permission and a one-time ticket check out. Past that, what goes wrong (the VM
is stopped, the node does not answer, the VNC password is wrong) reaches noVNC
as RFB's refusal with a readable reason. The serial console's protocol (binary
terminal bytes, JSON control and error text frames) is described in serial.py.
"""

from __future__ import annotations

import asyncio
import logging
import ssl

from asgiref.sync import sync_to_async

from ganeti_webmgr import conf
from ganeti_webmgr.console import rfb, serial, sessions
from ganeti_webmgr.console.node_stream import SINK_EXTENSION, NodeStream
from ganeti_webmgr.console.relay import Limits, relay
from ganeti_webmgr.console.target import NoConsole, record_host_key, serial_target, vnc_target

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
    browser = _Browser(receive, send, scope.get("extensions", {}).get(SINK_EXTENSION))
    ended = None
    try:
        if opened.session.kind == "serial":
            ended = await _serial(opened, browser)
        else:
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
        server.close()
        return ("browser", 0.0, 0, 0)
    ended = await relay(
        browser.next_message, browser.write, server, _limits(), _allowed(opened), browser.sink
    )
    return (ended.reason, ended.seconds, ended.to_server, ended.to_browser)


def _limits() -> Limits:
    return Limits(
        idle=conf.current().get("console", "idle_minutes") * 60.0,
        maximum=conf.current().get("console", "max_hours") * 3600.0,
        recheck=RECHECK_SECONDS,
    )


def _allowed(opened):
    async def allowed() -> bool:
        return await _in_thread(sessions.still_allowed)(opened)

    return allowed


async def _serial(opened, browser) -> tuple:
    try:
        target = await _in_thread(serial_target)(opened.vm)
        console = await serial.open_console(target)
    except (NoConsole, serial.SerialError) as problem:
        await browser.send_text(serial.error_frame(str(problem)))
        return ("unavailable", 0.0, 0, 0)
    if console.new_host_key:
        await _in_thread(record_host_key)(opened.vm, console.new_host_key)

    async def from_browser() -> bytes | None:
        # Terminal bytes go to the node; text frames are control messages.
        while True:
            message = await browser.next_frame()
            if message is None or isinstance(message, bytes):
                return message
            serial.control(message, console.process)

    ended = await relay(
        from_browser, browser.write, serial.upstream(console), _limits(), _allowed(opened)
    )
    return (ended.reason, ended.seconds, ended.to_server, ended.to_browser)


async def _connect(target, vm) -> NodeStream:
    """An authenticated RFB connection to the node, up to ClientInit."""
    where = f"{vm.primary_node.name} ({target.host}:{target.port})"
    try:
        node = await asyncio.wait_for(NodeStream.connect(target.host, target.port), CONNECT_TIMEOUT)
    except (TimeoutError, OSError) as error:
        raise NoConsole(
            f"the console port on {where} does not answer: {error or 'timeout'}"
        ) from None

    start_tls = None
    if target.tls_ca:
        node_name = vm.primary_node.name

        async def start_tls():
            try:
                context = ssl.create_default_context(cadata=target.tls_ca)
            except (ssl.SSLError, ValueError):
                raise rfb.RfbError("the cluster's VNC CA certificate cannot be read") from None
            try:
                # The node's certificate must name the node (as Ganeti knows it).
                await node.start_tls(context, server_hostname=node_name)
            except ssl.SSLCertVerificationError as error:
                raise rfb.RfbError(
                    "its TLS certificate is not trusted by the cluster's VNC CA certificate "
                    f"({error.verify_message})"
                ) from None
            except ssl.SSLError as error:
                raise rfb.RfbError(f"the TLS handshake failed ({error.reason})") from None
            return node.readexactly, node.write

    try:
        await asyncio.wait_for(
            rfb.authenticate_upstream(node.readexactly, node.write, target.password, start_tls),
            CONNECT_TIMEOUT,
        )
    except (TimeoutError, rfb.RfbError, OSError, EOFError) as error:
        node.close()
        text = str(error) if isinstance(error, rfb.RfbError) else "it closed the connection"
        raise NoConsole(f"the VNC server on {where}: {text}") from None
    return node


class _Browser:
    """The websocket as the RFB code and the relay read and write it."""

    def __init__(self, receive, send, sink=None):
        self._receive, self._send = receive, send
        self.sink = sink
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

    async def next_frame(self) -> bytes | str | None:
        """The next frame as sent: bytes (binary) or str (text); None once gone."""
        while True:
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                self.closed = True
                return None
            if message.get("bytes") is not None:
                return message["bytes"]
            if message.get("text") is not None:
                return message["text"]

    async def send_text(self, text: str) -> None:
        await self._send({"type": "websocket.send", "text": text})

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
