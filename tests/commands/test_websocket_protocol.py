"""gwm-server's websocket protocol: binary messages framed as websockets frames
them, written without copies; and the test client's reading of frames."""

from __future__ import annotations

import socket
import struct
import threading

import pytest
from uvicorn.config import Config
from websockets.frames import Frame, Opcode

from ganeti_webmgr.commands.uvicorn_worker import GwmWorker
from ganeti_webmgr.commands.websocket_protocol import GwmWebSocketProtocol, frame_header
from ganeti_webmgr.testing import console_client

# What it checks (websocket frames) is the same on every database engine.
pytestmark = pytest.mark.any_database


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 1 << 20])
def test_the_header_is_the_one_websockets_writes(length):
    payload = bytes(range(256)) * (length // 256) + bytes(length % 256)
    expected = Frame(Opcode.BINARY, payload).serialize(mask=False, extensions=[])
    assert frame_header(length) + payload == expected


def test_gwm_servers_workers_use_it():
    config = Config(app=lambda *args: None, **GwmWorker.CONFIG_KWARGS)
    config.load()
    assert config.ws_protocol_class is GwmWebSocketProtocol


def _frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    first = (0x80 if fin else 0) | opcode
    if len(payload) < 126:
        return struct.pack("!BB", first, len(payload)) + payload
    return struct.pack("!BBQ", first, 127, len(payload)) + payload


def test_the_client_reads_and_skips_across_frames_and_answers_pings():
    ours, theirs = socket.socketpair()
    pixels = bytes(300_000)
    wire = b"".join(
        [
            _frame(2, b"\x00\x01" + pixels[:100_000], fin=False),
            _frame(9, b"hi"),  # a ping between the fragments
            _frame(0, pixels[100_000:] + b"AB"),
            _frame(2, b"CD"),
        ]
    )
    sender = threading.Thread(target=theirs.sendall, args=(wire,))
    sender.start()
    stream = console_client.WebSocketStream(console_client.WebSocket(ours))
    assert stream.read(2) == b"\x00\x01"
    stream.skip(len(pixels))
    assert stream.read(4) == b"ABCD"
    sender.join()
    # The pong, masked as a client's frames are: opcode 10, two bytes.
    first, second = theirs.recv(2)
    assert (first, second) == (0x8A, 0x80 | 2)
    mask = theirs.recv(4)
    assert bytes(b ^ mask[i % 4] for i, b in enumerate(theirs.recv(2))) == b"hi"
    ours.close()
    theirs.close()


def test_a_sink_writes_from_callbacks_and_says_when_the_browser_is_behind():
    """A real uvicorn server with gwm-server's protocol; an application writes
    16 MiB through the scope's sink, holding back while told the browser is
    behind; a slow client gets every byte in order."""
    import asyncio
    import time

    import uvicorn

    from ganeti_webmgr.console.node_stream import SINK_EXTENSION

    messages = [bytes([index]) * (256 * 1024) for index in range(64)]
    seen = {"pauses": 0, "most_buffered": 0, "error": None}

    async def app(scope, receive, send):
        if scope["type"] != "websocket":
            return
        try:
            await receive()
            await send({"type": "websocket.accept"})
            sink = scope["extensions"][SINK_EXTENSION]
            transport = sink._protocol.transport
            browser_keeps_up = asyncio.Event()
            browser_keeps_up.set()

            def flow(behind: bool) -> None:
                if behind:
                    seen["pauses"] += 1
                    browser_keeps_up.clear()
                else:
                    browser_keeps_up.set()

            sink.on_flow(flow)
            for message in messages:
                await browser_keeps_up.wait()
                sink.send(message)
                seen["most_buffered"] = max(
                    seen["most_buffered"], transport.get_write_buffer_size()
                )
            await receive()  # the client's close
        except Exception as error:  # reported by the test, not lost in the server's log
            seen["error"] = repr(error)

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
        **{key: value for key, value in GwmWorker.CONFIG_KWARGS.items()
           if key in ("loop", "http", "ws", "ws_per_message_deflate")},
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (server.started and server.servers):
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        ws = console_client.WebSocket.connect(
            f"ws://127.0.0.1:{port}/", origin=f"http://127.0.0.1:{port}"
        )
        received = []
        for _ in messages:
            received.append(bytes(ws.receive()))
            time.sleep(0.005)  # slower than the server: its writes back up
        ws.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert seen["error"] is None
    assert received == messages
    assert seen["pauses"] > 0
    # What the server held for the slow client: its high-water mark and one message.
    assert seen["most_buffered"] <= 64 * 1024 + 256 * 1024 + 10
