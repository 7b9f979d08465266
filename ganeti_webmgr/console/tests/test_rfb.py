"""The proxy's RFB handshakes against a real VNC server (Xvnc) and a browser's side."""

from __future__ import annotations

import asyncio
import struct

import pytest

from ganeti_webmgr.console import rfb


async def connect(server):
    reader, writer = await asyncio.open_connection(server.host, server.port)

    async def write(data: bytes) -> None:
        writer.write(data)
        await writer.drain()

    return reader, writer, write


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 10))


def test_the_cluster_password_opens_the_vnc_server_and_its_framebuffer_follows(vnc_server):
    async def session():
        reader, writer, write = await connect(vnc_server)
        try:
            await rfb.authenticate_upstream(reader.readexactly, write, vnc_server.password)
            await write(b"\x01")  # ClientInit, shared: what the browser sends next
            width, height = struct.unpack(">HH", await reader.readexactly(4))
            pixel_format = await reader.readexactly(16)
            (name_length,) = struct.unpack(">I", await reader.readexactly(4))
            name = await reader.readexactly(name_length)
            return width, height, pixel_format[0], name
        finally:
            writer.close()

    width, height, bits_per_pixel, name = run(session())
    assert (width, height) == (vnc_server.width, vnc_server.height)
    assert bits_per_pixel == 32
    assert name  # the desktop's name, as Xvnc reports it


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("not-the-one", "the VNC server refused the cluster's VNC password"),
        (None, "the VNC server asks for a password, and the cluster has none set"),
    ],
)
def test_a_wrong_or_missing_password_is_a_clear_error(vnc_server, password, message):
    async def session():
        reader, writer, write = await connect(vnc_server)
        try:
            await rfb.authenticate_upstream(reader.readexactly, write, password)
        finally:
            writer.close()

    with pytest.raises(rfb.RfbError) as error:
        run(session())
    assert str(error.value).startswith(message)


def test_something_that_is_not_vnc_is_named_as_such():
    async def session():
        async def serve(reader, writer):
            writer.write(b"SSH-2.0-OpenSSH_9.2\r\n")
            await writer.drain()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            await rfb.authenticate_upstream(reader.readexactly, _writer(writer), "x")
        finally:
            writer.close()
            server.close()

    with pytest.raises(rfb.RfbError, match="does not speak VNC"):
        run(session())


def _writer(writer):
    async def write(data: bytes) -> None:
        writer.write(data)
        await writer.drain()

    return write


def browser_side(failure=None, version=b"RFB 003.008\n"):
    """What noVNC sees from the proxy: (bytes after its version, the proxy's error)."""

    async def session():
        to_proxy = asyncio.Queue()
        received = bytearray()

        async def proxy_read(n):
            data = b""
            while len(data) < n:
                data += await to_proxy.get()
            return data

        async def proxy_write(data):
            received.extend(data)

        to_proxy.put_nowait(version)
        to_proxy.put_nowait(bytes([rfb.NONE]))
        await rfb.greet_browser(proxy_read, proxy_write, failure)
        return bytes(received)

    return run(session())


def test_the_browser_is_offered_security_type_none_and_told_it_succeeded():
    assert browser_side() == b"RFB 003.008\n" + bytes([1, rfb.NONE]) + struct.pack(">I", 0)


def test_a_failure_reaches_the_browser_as_rfbs_refusal_with_its_text():
    text = "the virtual machine is not running"
    assert browser_side(failure=text) == (
        b"RFB 003.008\n\0" + struct.pack(">I", len(text)) + text.encode()
    )


def test_an_rfb_33_browser_is_told_the_security_type():
    assert browser_side(version=b"RFB 003.003\n") == b"RFB 003.008\n" + struct.pack(">I", 1)


def scripted(server_bytes: bytes):
    """read/write against a server that sends server_bytes; what the client wrote."""
    pending, written = bytearray(server_bytes), bytearray()

    async def read(size):
        if len(pending) < size:
            raise EOFError
        data = bytes(pending[:size])
        del pending[:size]
        return data

    async def write(data):
        written.extend(data)

    return read, write, written


async def no_tls():
    raise AssertionError("TLS must not start")


@pytest.mark.parametrize(
    ("subtypes", "message"),
    [
        ([257, 258], "it offers TLSNone, TLSVnc"),
        ([262], "it offers X509Plain"),
    ],
)
def test_vencrypt_without_a_verifiable_certificate_is_refused(subtypes, message):
    server = (
        b"RFB 003.008\n" + bytes([1, rfb.VENCRYPT]) + bytes([0, 2, 0, len(subtypes)])
        + struct.pack(f">{len(subtypes)}I", *subtypes)
    )  # fmt: skip
    read, write, written = scripted(server)
    with pytest.raises(rfb.RfbError, match=message):
        run(rfb.authenticate_upstream(read, write, "pw", no_tls))
    assert bytes(written) == b"RFB 003.008\n" + bytes([rfb.VENCRYPT, 0, 2])


def test_a_server_without_vencrypt_is_refused_when_tls_is_required():
    read, write, _ = scripted(b"RFB 003.008\n" + bytes([1, rfb.VNC_AUTH]))
    with pytest.raises(rfb.RfbError, match=r"does not offer TLS \(VeNCrypt\)"):
        run(rfb.authenticate_upstream(read, write, "pw", no_tls))
