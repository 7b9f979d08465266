"""NodeStream against a real loopback server: exact reads, chunks, flow control."""

from __future__ import annotations

import asyncio

from ganeti_webmgr.console import node_stream
from ganeti_webmgr.console.node_stream import NodeStream


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 20))


async def serving(handler):
    """A loopback server running `handler(reader, writer)`, and a NodeStream to it."""
    listener = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    return listener, await NodeStream.connect("127.0.0.1", port)


def test_exact_reads_span_and_split_chunks_then_the_rest_comes_as_it_arrived():
    async def session():
        async def handler(reader, writer):
            for part in (b"RFB ", b"003.008\nAB", b"CDEFG"):
                writer.write(part)
                await writer.drain()
                await asyncio.sleep(0.02)
            writer.close()

        listener, node = await serving(handler)
        try:
            version = await node.readexactly(12)
            two = await node.readexactly(2)
            rest = b""
            while chunk := await node.read():
                rest += chunk
        finally:
            listener.close()
        return version, two, rest

    assert run(session()) == (b"RFB 003.008\n", b"AB", b"CDEFG")


def test_an_exact_read_past_the_end_is_an_eof_error():
    async def session():
        async def handler(reader, writer):
            writer.write(b"RFB")
            writer.close()

        listener, node = await serving(handler)
        try:
            await node.readexactly(12)
        except EOFError:
            return "eof"
        finally:
            listener.close()
        return "no error"

    assert run(session()) == "eof"


def test_small_chunks_waiting_together_become_one_message():
    async def session():
        sent = asyncio.Event()

        async def handler(reader, writer):
            for index in range(50):
                writer.write(bytes([index]) * 100)
                await writer.drain()
            sent.set()
            await reader.read()  # until the test is done

        listener, node = await serving(handler)
        try:
            await sent.wait()
            await asyncio.sleep(0.1)  # all of it received by the loop by now
            first = await node.read()
            node.close()
        finally:
            listener.close()
        return first

    first = run(session())
    assert len(first) == 5000
    assert first[:100] == bytes(100) and first[-100:] == bytes([49]) * 100


def test_reading_stops_while_the_browser_is_behind_and_nothing_is_lost():
    total = 8 * node_stream.HIGH_WATER

    async def session():
        async def handler(reader, writer):
            writer.write(bytes(range(256)) * (total // 256))
            await writer.drain()
            writer.close()

        listener, node = await serving(handler)
        try:
            await asyncio.sleep(0.3)  # the node has sent what TCP lets through
            held_while_stalled = node._held
            paused = node._reading_paused
            received = bytearray()
            while chunk := await node.read():
                received += chunk
        finally:
            listener.close()
        return held_while_stalled, paused, bytes(received)

    held, paused, received = run(session())
    assert paused
    # What the proxy holds is bounded by the high-water mark plus one read of the loop.
    assert node_stream.HIGH_WATER <= held < node_stream.HIGH_WATER + 512 * 1024
    assert received == bytes(range(256)) * (total // 256)


def test_writes_reach_the_node():
    async def session():
        got = asyncio.get_running_loop().create_future()

        async def handler(reader, writer):
            got.set_result(await reader.readexactly(6))

        listener, node = await serving(handler)
        try:
            await node.write(b"\x04\x01\x00\x00")
            await node.write(b"ab")
            data = await got
            node.close()
        finally:
            listener.close()
        return data

    assert run(session()) == b"\x04\x01\x00\x00ab"


class Sink:
    """The browser's side as forwarding sees it (gwm-server's BinarySink)."""

    def __init__(self, gone_after: int | None = None, behind_after: int | None = None):
        self.messages: list[bytes] = []
        self.paused = False
        self.listeners = []
        self.gone_after = gone_after
        self.behind_after = behind_after

    def on_flow(self, listener) -> None:
        self.listeners.append(listener)

    def send(self, data: bytes) -> None:
        if self.gone_after is not None and self.received >= self.gone_after:
            raise ConnectionResetError("the browser has gone")
        self.messages.append(data)
        if self.behind_after is not None and self.received >= self.behind_after:
            # As a transport over its high-water mark does, from within the write.
            self.behind_after = None
            self.flow(True)

    def flow(self, paused: bool) -> None:
        self.paused = paused
        for listener in self.listeners:
            listener(paused)

    @property
    def received(self) -> int:
        return sum(map(len, self.messages))


def _pattern(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def test_forwarding_sends_what_waited_first_then_each_chunk_until_the_nodes_end():
    body = _pattern(2 << 20)

    async def session():
        go_on = asyncio.Event()

        async def handler(reader, writer):
            writer.write(b"RFB 003.008\nwaiting")
            await writer.drain()
            await go_on.wait()
            writer.write(body)
            await writer.drain()
            writer.close()

        listener, node = await serving(handler)
        try:
            await node.readexactly(12)
            await asyncio.sleep(0.1)  # "waiting" has arrived and is queued
            sink = Sink()
            forwarding = asyncio.ensure_future(node.forward(sink))
            await asyncio.sleep(0)
            go_on.set()
            reason = await forwarding
        finally:
            listener.close()
        return reason, sink, node.forwarded

    reason, sink, forwarded = run(session())
    assert reason == "server"
    assert sink.messages[0] == b"waiting"
    assert b"".join(sink.messages) == b"waiting" + body
    assert forwarded == len(b"waiting" + body)
    # The node's bytes went on as the loop received them, not gathered first.
    assert len(sink.messages) > 2


def test_forwarding_stops_reading_the_node_while_the_browser_is_behind():
    body = _pattern(8 << 20)

    async def session():
        async def handler(reader, writer):
            writer.write(body)
            await writer.drain()
            writer.close()

        listener, node = await serving(handler)
        try:
            sink = Sink(behind_after=256 * 1024)
            forwarding = asyncio.ensure_future(node.forward(sink))
            while not sink.paused:
                await asyncio.sleep(0.01)
            while_paused = sink.received
            await asyncio.sleep(0.3)  # the node could have sent all of it by now
            still = sink.received
            sink.flow(False)
            reason = await forwarding
        finally:
            listener.close()
        return while_paused, still, reason, b"".join(sink.messages)

    while_paused, still, reason, received = run(session())
    assert still == while_paused < len(body)
    assert reason == "server"
    assert received == body


def test_forwarding_ends_once_the_browser_has_gone():
    async def session():
        async def handler(reader, writer):
            for _ in range(100):
                writer.write(_pattern(64 * 1024))
                await writer.drain()
                await asyncio.sleep(0.005)
            await reader.read()

        listener, node = await serving(handler)
        try:
            sink = Sink(gone_after=128 * 1024)
            reason = await node.forward(sink)
            node.close()
        finally:
            listener.close()
        return reason, sink.received, node.forwarded

    reason, received, forwarded = run(session())
    assert reason == "browser"
    assert forwarded == received >= 128 * 1024
