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
