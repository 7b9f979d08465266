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
"""

from __future__ import annotations

import struct

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

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
        if self.disconnected or self.conn.state is not State.OPEN:
            raise ClientDisconnected()
        self.transport.writelines((frame_header(len(data)), data))
