"""The relay between a browser's messages and a real VNC server, and its limits."""

from __future__ import annotations

import asyncio
import struct
import time

from ganeti_webmgr.console import rfb
from ganeti_webmgr.console.node_stream import NodeStream
from ganeti_webmgr.console.relay import Limits, relay

from .test_node_stream import Sink

RELAXED = Limits(idle=30, maximum=60, recheck=30)


class Browser:
    """The browser's side as the relay sees it: messages in, bytes out."""

    def __init__(self):
        self.messages: asyncio.Queue = asyncio.Queue()
        self.received = bytearray()
        self.arrived = asyncio.Event()

    async def next_message(self):
        return await self.messages.get()

    async def deliver(self, data: bytes) -> None:
        self.received.extend(data)
        self.arrived.set()

    async def wait_for(self, size: int) -> bytes:
        while len(self.received) < size:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 5)
        return bytes(self.received)


async def open_vnc(vnc_server):
    node = await NodeStream.connect(vnc_server.host, vnc_server.port)
    await rfb.authenticate_upstream(node.readexactly, node.write, vnc_server.password)
    return node


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 20))


async def allowed():
    return True


def test_the_browser_gets_the_server_init_and_pixels_and_ends_the_session(vnc_server):
    async def session():
        browser = Browser()
        server = await open_vnc(vnc_server)
        running = asyncio.ensure_future(
            relay(browser.next_message, browser.deliver, server, RELAXED, allowed)
        )
        browser.messages.put_nowait(b"\x01")  # ClientInit
        data = await browser.wait_for(24)
        width, height = struct.unpack(">HH", data[:4])
        (name_length,) = struct.unpack(">I", data[20:24])
        init = 24 + name_length
        # FramebufferUpdateRequest, not incremental, of the whole screen.
        browser.messages.put_nowait(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))
        update = await browser.wait_for(init + 4)
        browser.messages.put_nowait(None)  # the browser closes
        ended = await running
        return width, height, update[init], ended

    width, height, message_type, ended = run(session())
    assert (width, height) == (vnc_server.width, vnc_server.height)
    assert message_type == 0  # FramebufferUpdate
    assert ended.reason == "browser"
    assert ended.to_server == 1 + 10
    assert ended.to_browser > 24


def test_an_idle_session_ends(vnc_server):
    async def session():
        server = await open_vnc(vnc_server)
        return await relay(
            Browser().next_message, Browser().deliver, server, Limits(0.3, 60), allowed
        )

    ended = run(session())
    assert ended.reason == "idle"
    assert 0.3 <= ended.seconds < 2


def test_a_busy_session_still_ends_at_its_maximum(vnc_server):
    async def session():
        browser = Browser()
        server = await open_vnc(vnc_server)
        running = asyncio.ensure_future(
            relay(browser.next_message, browser.deliver, server, Limits(0.4, 1.0), allowed)
        )
        browser.messages.put_nowait(b"\x01")
        start = time.monotonic()
        while not running.done():
            # A key press every 0.1 s (key down and up of "a"): never idle.
            browser.messages.put_nowait(struct.pack(">BBxxI", 4, 1, 0x61))
            browser.messages.put_nowait(struct.pack(">BBxxI", 4, 0, 0x61))
            await asyncio.sleep(0.1)
            assert time.monotonic() - start < 5
        return await running

    ended = run(session())
    assert ended.reason == "maximum"
    assert 1.0 <= ended.seconds < 2


def test_a_session_ends_once_its_user_may_no_longer_use_it(vnc_server):
    checks = []

    async def still_allowed():
        checks.append(time.monotonic())
        return len(checks) < 3

    async def session():
        server = await open_vnc(vnc_server)
        browser = Browser()
        return await relay(
            browser.next_message, browser.deliver, server, Limits(30, 60, 0.1), still_allowed
        )

    ended = run(session())
    assert ended.reason == "revoked"
    assert len(checks) == 3


def test_the_server_going_away_ends_the_session():
    async def session():
        async def serve(reader, writer):
            writer.write(b"bye")
            await writer.drain()
            writer.close()

        listener = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        server = await NodeStream.connect("127.0.0.1", port)
        browser = Browser()
        try:
            ended = await relay(browser.next_message, browser.deliver, server, RELAXED, allowed)
        finally:
            listener.close()
        return ended, bytes(browser.received)

    ended, received = run(session())
    assert ended.reason == "server"
    assert received == b"bye"


def test_with_gwm_servers_sink_the_nodes_bytes_skip_to_browser_and_are_counted(vnc_server):
    async def session():
        browser, sink = Browser(), Sink()
        server = await open_vnc(vnc_server)
        running = asyncio.ensure_future(
            relay(browser.next_message, browser.deliver, server, RELAXED, allowed, sink)
        )
        browser.messages.put_nowait(b"\x01")  # ClientInit
        while sink.received < 24:
            await asyncio.sleep(0.01)
        init = b"".join(sink.messages)
        width, height = struct.unpack(">HH", init[:4])
        browser.messages.put_nowait(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))
        (name_length,) = struct.unpack(">I", init[20:24])
        pixels = width * height * 4
        while sink.received < 24 + name_length + 4 + 12 + pixels:
            await asyncio.sleep(0.01)
        browser.messages.put_nowait(None)
        received = b"".join(sink.messages)
        return await running, received, bytes(browser.received), name_length, pixels

    ended, received, delivered, name_length, pixels = run(session())
    assert delivered == b""
    assert received[24 + name_length] == 0  # FramebufferUpdate
    assert ended.reason == "browser"
    assert ended.to_browser == len(received) >= 24 + name_length + 16 + pixels
