"""gwm-server's websocket protocol: uvicorn's (websockets' sans-I/O state machine),
sending binary messages without copying them.

uvicorn frames each message with websockets' Frame.serialize, which copies the
payload into a new buffer behind the header, and joins the result again before
the write. The console relays framebuffers at up to gigabytes a second, where
those copies cost as much as the relay's own sockets (bench/console.py,
docs/development.rst). Here a binary message from the application is written as
its header and the payload itself, in one vectored write. The frames are the
same: a server's frames are not masked, and gwm-server declines
permessage-deflate, so there is no transformation of the payload to make.
Everything else (text, close, pings, the handshake) is uvicorn's.

The console's relay goes one step further: each websocket scope carries a
BinarySink (scope["extensions"]["gwm.binary_sink"]), with which the node's bytes
are written from the event loop's callback that received them, with no task, no
ASGI message and no wait between the two sockets.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from ganeti_webmgr.console.node_stream import SINK_EXTENSION

# FIN and the binary opcode.
_BINARY = 0x82


def frame_header(length: int) -> bytes:
    """RFC 6455's header of one unmasked, final binary frame of `length` bytes."""
    if length < 126:
        return struct.pack("!BB", _BINARY, length)
    if length < 1 << 16:
        return struct.pack("!BBH", _BINARY, 126, length)
    return struct.pack("!BBQ", _BINARY, 127, length)


class GwmWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.flow_listeners: list[Callable[[bool], None]] = []

    async def send(self, message) -> None:
        data = message.get("bytes") if message["type"] == "websocket.send" else None
        if (
            data is None
            or not self.handshake_complete
            or self.close_sent
            or self.initial_response is not None
            or self.conn.extensions
        ):
            return await super().send(message)
        await self.writable.wait()
        self.write_binary(data)

    def write_binary(self, data: bytes) -> None:
        """One binary frame: its header and `data` in one vectored write."""
        if self.disconnected or self.conn.state is not State.OPEN:
            raise ClientDisconnected()
        self.transport.writelines((frame_header(len(data)), data))

    def handle_connect(self, event) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        # With an extension (none is taken now) frames are not the payload as it is.
        if scope is not None and not self.conn.extensions:
            scope["extensions"][SINK_EXTENSION] = BinarySink(self)

    def pause_writing(self) -> None:
        super().pause_writing()
        for listener in self.flow_listeners:
            listener(True)

    def resume_writing(self) -> None:
        super().resume_writing()
        for listener in self.flow_listeners:
            listener(False)

    def connection_lost(self, exc) -> None:
        super().connection_lost(exc)
        for listener in self.flow_listeners:
            listener(False)


class BinarySink:
    """Binary messages written from a protocol's callback, with no task in between.

    An application that relays another connection's bytes (the console) can write
    each chunk as it is received, and pause that connection while the browser's
    transport is over its high-water mark; `on_flow(listener)` calls
    `listener(True)` then and `listener(False)` once it has drained (or is gone).
    """

    def __init__(self, protocol: GwmWebSocketProtocol):
        self._protocol = protocol

    def on_flow(self, listener: Callable[[bool], None]) -> None:
        self._protocol.flow_listeners.append(listener)

    @property
    def paused(self) -> bool:
        return not self._protocol.writable.is_set()

    def send(self, data: bytes) -> None:
        """One binary message; ClientDisconnected once the websocket is not open."""
        protocol = self._protocol
        # From a callback a closed transport's error would reach the loop, not the relay.
        if protocol.close_sent or protocol.transport.is_closing():
            raise ClientDisconnected()
        protocol.write_binary(data)
