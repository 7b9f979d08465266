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
