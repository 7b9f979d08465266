"""The node's VNC port as the proxy reads it: exact sizes during RFB's handshake,
then each chunk as the event loop received it.

asyncio's StreamReader gathers what arrives in one bytearray and copies it out
again on every read; at a framebuffer's rates those copies (and the buffer's
growth) cost more than the relay's sockets (bench/console.py). Here a received
chunk goes to the browser as it is, and reading pauses while the browser is behind.
Under gwm-server, `forward()` goes further: each chunk is written to the browser's
websocket from the callback that received it (gwm-server's BinarySink), and the
node's socket is left unread while the browser's transport is over its high-water
mark.
"""

from __future__ import annotations

import asyncio
import collections
import ssl

# Bytes held for the browser before the node's socket is left unread; enough for
# a few of the loop's reads, little against a session's memory.
HIGH_WATER = 512 * 1024
# The key of gwm-server's BinarySink in a websocket's scope["extensions"].
SINK_EXTENSION = "gwm.binary_sink"
# Chunks smaller than this are joined while more are waiting (one message, not many).
JOIN_BELOW = 16 * 1024


class NodeStream(asyncio.Protocol):
    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._chunks: collections.deque[bytes] = collections.deque()
        self._held = 0  # bytes in _chunks
        self._ended = False
        self._reading_paused = False
        self._readable: asyncio.Future | None = None
        self._writable: asyncio.Future | None = None
        # While forwarding: the browser's sink, and what has gone to it.
        self._sink = None
        self._forward_ended: asyncio.Future | None = None
        self.forwarded = 0

    @classmethod
    async def connect(cls, host: str, port: int) -> NodeStream:
        loop = asyncio.get_running_loop()
        _, stream = await loop.create_connection(cls, host, port)
        return stream

    # --- the event loop's side ------------------------------------------------
    def connection_made(self, transport) -> None:
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._sink is not None:
            self._forward(data)
            return
        self._chunks.append(data)
        self._held += len(data)
        if self._held >= HIGH_WATER and not self._reading_paused:
            self._reading_paused = True
            self._transport.pause_reading()
        self._wake("_readable")

    def eof_received(self) -> bool:
        self._ended = True
        self._wake("_readable")
        self._end_forward("server")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended = True
        self._wake("_readable")
        self._wake("_writable")
        self._end_forward("server")

    def pause_writing(self) -> None:
        self._writable = self._writable or self._loop.create_future()

    def resume_writing(self) -> None:
        self._wake("_writable")

    def _wake(self, name: str) -> None:
        waiter = getattr(self, name)
        setattr(self, name, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # --- the proxy's side -----------------------------------------------------
    async def readexactly(self, size: int) -> bytes:
        """`size` bytes; EOFError if the node closes first."""
        while self._held < size:
            if self._ended:
                raise EOFError("the VNC server closed the connection")
            await self._until_readable()
        parts, wanted = [], size
        while wanted:
            chunk = self._chunks.popleft()
            if len(chunk) > wanted:
                self._chunks.appendleft(chunk[wanted:])
                chunk = chunk[:wanted]
            parts.append(chunk)
            wanted -= len(chunk)
        self._taken(size)
        return b"".join(parts)

    async def read(self) -> bytes:
        """The next chunk (small ones waiting together are joined); b"" at the end."""
        while not self._chunks:
            if self._ended:
                return b""
            await self._until_readable()
        chunk = self._chunks.popleft()
        if len(chunk) < JOIN_BELOW and self._chunks:
            parts = [chunk]
            size = len(chunk)
            while self._chunks and size + len(self._chunks[0]) <= JOIN_BELOW * 4:
                parts.append(self._chunks.popleft())
                size += len(parts[-1])
            chunk = b"".join(parts)
        self._taken(len(chunk))
        return chunk

    async def forward(self, sink) -> str:
        """From here on each chunk goes to `sink` (a BinarySink) from the loop's
        callback, and reading pauses while the sink's transport is behind. Returns
        "server" at the node's end or "browser" once the sink has gone."""
        self._forward_ended = self._loop.create_future()
        self._sink = sink
        while self._chunks and self._sink is not None:
            chunk = self._chunks.popleft()
            self._taken(len(chunk))
            self._forward(chunk)
        if self._ended:
            self._end_forward("server")
        elif self._sink is not None:
            sink.on_flow(self._browser_flow)
            self._browser_flow(sink.paused)
        return await self._forward_ended

    def _forward(self, data: bytes) -> None:
        try:
            self._sink.send(data)
        except OSError:
            self._end_forward("browser")
            return
        self.forwarded += len(data)

    def _browser_flow(self, paused: bool) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        if paused and not self._reading_paused:
            self._reading_paused = True
            self._transport.pause_reading()
        elif not paused and self._reading_paused:
            self._reading_paused = False
            self._transport.resume_reading()

    def _end_forward(self, reason: str) -> None:
        self._sink = None
        ended = self._forward_ended
        if ended is not None and not ended.done():
            ended.set_result(reason)

    async def write(self, data: bytes) -> None:
        if self._transport.is_closing():
            raise ConnectionResetError("the VNC server's connection is closed")
        self._transport.write(data)
        if self._writable is not None:
            await self._writable

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str) -> None:
        """TLS from here on (VeNCrypt); nothing may be waiting unread."""
        self._transport = await self._loop.start_tls(
            self._transport, self, context, server_hostname=server_hostname
        )

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    async def _until_readable(self) -> None:
        self._readable = self._loop.create_future()
        await self._readable

    def _taken(self, size: int) -> None:
        self._held -= size
        if self._reading_paused and self._held < HIGH_WATER // 2:
            self._reading_paused = False
            self._transport.resume_reading()
