"""A console client as a browser runs it, for tests and benchmarks of a live site:
log in over HTTP(S), open the console websocket (ws or wss, with an Origin) and
speak RFB to the VM's VNC server behind it; or speak RFB to the VNC server directly.

Standard library only: packaging/console_check.py runs it with the host's python3
against an installed package.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.cookiejar
import json
import os
import re
import socket
import ssl
import struct
import subprocess
import urllib.parse
import urllib.request
import zlib

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocketError(Exception):
    pass


class Login:
    """A logged-in user's cookies (the login form and its CSRF token, as a browser)."""

    def __init__(self, base: str, username: str, password: str, context=None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        url = f"{self.base}/accounts/login/"
        with self.opener.open(url + "?next=/", timeout=30) as response:
            form = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310 - the site under test
        with self.opener.open(request, timeout=30) as response:
            response.read()
        if "sessionid" not in self.cookies:
            raise RuntimeError(f"could not log in as {username} at {self.base}")

    @property
    def cookies(self) -> dict[str, str]:
        return {c.name: c.value for c in self.jar}


class WebSocket:
    """A client websocket (RFC 6455) over TCP or TLS: binary messages, masked frames.

    It offers permessage-deflate (RFC 7692) as browsers do, and inflates compressed
    messages when the server takes it up; what it sends is never compressed (which
    the extension allows)."""

    # What Chromium and Firefox send.
    BROWSER_EXTENSIONS = "permessage-deflate; client_max_window_bits"

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._buffer = bytearray()
        self.extensions = ""  # as the server accepted them
        self._inflater = zlib.decompressobj(-15)
        self._scratch = memoryview(bytearray(1 << 20))

    @classmethod
    def connect(
        cls,
        url: str,
        origin: str,
        cookie: str = "",
        context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        protocols: str = "binary",
        extensions: str = BROWSER_EXTENSIONS,
    ) -> WebSocket:
        parts = urllib.parse.urlsplit(url)
        secure = parts.scheme == "wss"
        port = parts.port or (443 if secure else 80)
        sock = socket.create_connection((parts.hostname, port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if secure:
            sock = (context or ssl.create_default_context()).wrap_socket(
                sock, server_hostname=parts.hostname
            )
        key = base64.b64encode(os.urandom(16)).decode()
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [
            f"GET {target} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Sec-WebSocket-Protocol: {protocols}",
            f"Origin: {origin}",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        if extensions:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        ws = cls(sock)
        head = ws._read_until(b"\r\n\r\n").decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if " 101 " not in status + " ":
            sock.close()
            raise WebSocketError(f"handshake refused: {status}")
        accept = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()  # noqa: S324 - RFC 6455
        if accept not in head:
            sock.close()
            raise WebSocketError("handshake: wrong Sec-WebSocket-Accept")
        ws.extensions = _header(head, "sec-websocket-extensions")
        return ws

    def _fill(self) -> None:
        data = self.sock.recv(256 * 1024)
        if not data:
            raise EOFError("the websocket's connection closed")
        self._buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        while (end := self._buffer.find(marker)) < 0:
            self._fill()
        data = bytes(self._buffer[: end + len(marker)])
        del self._buffer[: end + len(marker)]
        return data

    def _read(self, size: int) -> bytearray:
        # A large payload is received straight into its own buffer.
        have = len(self._buffer)
        if have >= size:
            data = self._buffer[:size]
            del self._buffer[:size]
            return data
        data = bytearray(size)
        data[:have] = self._buffer
        self._buffer.clear()
        view = memoryview(data)[have:]
        while view:
            count = self.sock.recv_into(view)
            if not count:
                raise EOFError("the websocket's connection closed")
            view = view[count:]
        return data

    def send(self, data: bytes, opcode: int = 2) -> None:
        length = len(data)
        if length < 126:
            header = struct.pack(">BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, length)
        mask = os.urandom(4)
        repeated = (mask * (length // 4 + 1))[:length]
        masked = (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
            length, "big"
        )
        self.sock.sendall(header + mask + masked)

    def receive(self) -> bytes:
        """The next binary or text message (pings answered); EOFError once closed."""
        length, fin, compressed = self.next_data_frame()
        return self.rest_of_message(self._read(length), fin, compressed)

    def next_data_frame(self) -> tuple[int, bool, bool]:
        """Reads up to the next data frame's payload: its (length, fin, compressed).
        Control frames on the way are answered (ping) or end the stream (close)."""
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", self._read(8))
            if second & 0x80:
                raise WebSocketError("the server masked a frame")
            if opcode < 8:
                return length, bool(first & 0x80), bool(first & 0x40)
            payload = self._read(length)
            if opcode == 8:
                raise EOFError(f"the server closed the websocket: {payload[:2].hex()}")
            if opcode == 9:
                self.send(payload, opcode=10)

    def rest_of_message(self, payload: bytearray, fin: bool, compressed: bool) -> bytes:
        """The whole message that `payload` (a first frame's) begins, inflated."""
        message = payload
        while not fin:
            length, fin, _ = self.next_data_frame()
            message += self._read(length)
        return self._inflated(message) if compressed else message

    def skip_payload(self, size: int) -> None:
        """Reads and drops `size` bytes of a frame's payload, as SocketStream.skip does."""
        taken = min(size, len(self._buffer))
        del self._buffer[:taken]
        size -= taken
        while size:
            count = self.sock.recv_into(self._scratch[: min(size, len(self._scratch))])
            if not count:
                raise EOFError("the websocket's connection closed")
            size -= count

    def _inflated(self, payload: bytes) -> bytes:
        if not self.extensions.startswith("permessage-deflate"):
            raise WebSocketError("a compressed message without permessage-deflate")
        if "server_no_context_takeover" in self.extensions:
            self._inflater = zlib.decompressobj(-15)
        return self._inflater.decompress(payload + b"\x00\x00\xff\xff")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.send(struct.pack(">H", 1000), opcode=8)
        self.sock.close()


def _header(head: str, name: str) -> str:
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return ""


class WebSocketStream:
    """The websocket's messages as one byte stream (RFB does not follow messages).

    Pixels to be dropped are read off the socket into a scratch buffer, frame by
    frame, as SocketStream does: what the client costs is the same on both paths,
    but for the frame headers."""

    def __init__(self, ws: WebSocket):
        self.ws = ws
        self._buffer = bytearray()
        self._left = 0  # of the current (uncompressed) frame's payload, still unread

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            if self._left:
                count = min(self._left, max(size - len(self._buffer), 256 * 1024))
                self._buffer += self.ws._read(count)
                self._left -= count
            else:
                self._next_frame()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def skip(self, size: int) -> None:
        """Reads and drops `size` bytes (pixels) without gathering them."""
        while size:
            if self._buffer:
                taken = min(size, len(self._buffer))
                del self._buffer[:taken]
            elif self._left:
                taken = min(size, self._left)
                self.ws.skip_payload(taken)
                self._left -= taken
            else:
                self._next_frame()
                continue
            size -= taken

    def _next_frame(self) -> None:
        length, fin, compressed = self.ws.next_data_frame()
        if compressed:
            self._buffer += self.ws.rest_of_message(self.ws._read(length), fin, compressed)
        else:
            self._left = length

    def write(self, data: bytes) -> None:
        self.ws.send(data)

    def close(self) -> None:
        self.ws.close()


class SocketStream:
    """A plain TCP connection with the same read/write as WebSocketStream."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = bytearray()
        self._scratch = memoryview(bytearray(1 << 20))

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            data = self.sock.recv(max(256 * 1024, size - len(self._buffer)))
            if not data:
                raise EOFError("the VNC server closed the connection")
            self._buffer += data
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def skip(self, size: int) -> None:
        """Reads and drops `size` bytes (pixels) without gathering them."""
        taken = min(size, len(self._buffer))
        del self._buffer[:taken]
        size -= taken
        while size:
            count = self.sock.recv_into(self._scratch[: min(size, len(self._scratch))])
            if not count:
                raise EOFError("the VNC server closed the connection")
            size -= count

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.sock.close()


class Rfb:
    """The client side of RFB 3.8 over a stream: what noVNC does, in raw encoding."""

    def __init__(self, stream, vnc_password: str | None = None):
        self.stream = stream
        self.vnc_password = vnc_password
        self.width = self.height = 0
        self.bytes_per_pixel = 4

    def handshake(self) -> tuple[int, int]:
        """Version, security (None through GWM; VNC auth directly), ClientInit, ServerInit;
        then raw encoding only. Returns the screen's size."""
        read, write = self.stream.read, self.stream.write
        version = read(12)
        if not version.startswith(b"RFB "):
            raise RuntimeError(f"not an RFB server: {version!r}")
        write(b"RFB 003.008\n")
        (count,) = read(1)
        if count == 0:
            (length,) = struct.unpack(">I", read(4))
            raise RuntimeError("refused: " + read(length).decode(errors="replace"))
        types = list(read(count))
        if 1 in types:
            write(b"\x01")
        elif 2 in types and self.vnc_password is not None:
            write(b"\x02")
            write(_vnc_response(self.vnc_password, read(16)))
        else:
            raise RuntimeError(f"no security type this client can use: {types}")
        (result,) = struct.unpack(">I", read(4))
        if result:
            raise RuntimeError("VNC authentication failed")
        write(b"\x01")  # ClientInit: shared
        self.width, self.height = struct.unpack(">HH", read(4))
        pixel_format = read(16)
        self.bytes_per_pixel = pixel_format[0] // 8
        (name_length,) = struct.unpack(">I", read(4))
        read(name_length)
        write(struct.pack(">BBHi", 2, 0, 1, 0))  # SetEncodings: raw
        return self.width, self.height

    def request(self, incremental: bool, x=0, y=0, width=None, height=None) -> None:
        width = self.width if width is None else width
        height = self.height if height is None else height
        self.stream.write(struct.pack(">BBHHHH", 3, int(incremental), x, y, width, height))

    def pointer(self, x: int, y: int, buttons: int = 0) -> None:
        self.stream.write(struct.pack(">BBHH", 5, buttons, x, y))

    def key(self, keysym: int, down: bool) -> None:
        self.stream.write(struct.pack(">BBxxI", 4, int(down), keysym))

    def update(self) -> int:
        """Reads server messages up to the end of one FramebufferUpdate; its pixel bytes."""
        read = self.stream.read
        while True:
            (kind,) = read(1)
            if kind == 0:
                break
            if kind == 2:  # Bell
                continue
            if kind == 3:  # ServerCutText
                read(3)
                (length,) = struct.unpack(">I", read(4))
                read(length)
                continue
            if kind == 1:  # SetColourMapEntries
                read(1)
                _, colours = struct.unpack(">HH", read(4))
                read(6 * colours)
                continue
            raise RuntimeError(f"unexpected RFB server message {kind}")
        read(1)
        (count,) = struct.unpack(">H", read(2))
        pixels = 0
        for _ in range(count):
            _x, _y, width, height, encoding = struct.unpack(">HHHHi", read(12))
            if encoding == 0:
                size = width * height * self.bytes_per_pixel
                self.stream.skip(size)
                pixels += size
            elif encoding == -223:  # DesktopSize pseudo-encoding
                self.width, self.height = width, height
            else:
                raise RuntimeError(f"unexpected encoding {encoding}")
        return pixels

    def close(self) -> None:
        self.stream.close()


def _vnc_response(password: str, challenge: bytes) -> bytes:
    from ganeti_webmgr.console.rfb import vnc_auth_response  # needs cryptography

    return vnc_auth_response(challenge, password)


def console_url(base: str, cluster: str, vm: str, ticket: str) -> str:
    """The console websocket's URL on the site at `base` (http(s)://host:port[/prefix])."""
    parts = urllib.parse.urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    path = f"{parts.path.rstrip('/')}/clusters/{cluster}/vms/{urllib.parse.quote(vm)}"
    return f"{scheme}://{parts.netloc}{path}/console/vnc/ws?ticket={ticket}"


def open_console(base: str, login: Login, cluster: str, vm: str, ticket: str, context=None) -> Rfb:
    """The console websocket of a VM opened as its page would, the RFB handshake done."""
    parts = urllib.parse.urlsplit(base)
    cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
    ws = WebSocket.connect(
        console_url(base, cluster, vm, ticket),
        origin=f"{parts.scheme}://{parts.netloc}",
        cookie=cookie,
        context=context,
    )
    rfb = Rfb(WebSocketStream(ws))
    rfb.handshake()
    return rfb


# --- a live site's console, set up through gwm-manage ----------------------------
# `manage(*args, input=None)` runs gwm-manage on the site (a subprocess, possibly in
# a chroot) and returns its standard output, raising when it fails.


@contextlib.contextmanager
def console_sim(python: list[str], vnc_port: int, env: dict | None = None):
    """ganeti_webmgr.testing.console_sim run by `python` (a command: an interpreter,
    possibly behind a chroot), with one VM whose console is the VNC server at
    `vnc_port`; yields its JSON line (host, port, fingerprint, password, vms)."""
    process = subprocess.Popen(  # noqa: S603 - the caller's interpreter
        [*python, "-m", "ganeti_webmgr.testing.console_sim", "--vnc-port", str(vnc_port)],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"console_sim exited ({process.wait(timeout=10)})")
        yield json.loads(line)
    finally:
        process.terminate()
        process.wait(timeout=10)


def add_console_cluster(
    manage, sim: dict, vnc_password: str, slug: str = "console", password_file: str = ""
) -> None:
    """Adds the console_sim cluster `sim` (its JSON line), syncs it (gwm-worker's sync,
    through the same command), and stores the cluster's VNC password. The RAPI
    password goes through standard input, or `password_file` (as gwm-manage sees it)
    where gwm-manage drops root for a user who cannot open a pipe of root's."""
    manage(
        "cluster", "add", slug, "--hostname", sim["host"], "--port", str(sim["port"]),
        "--username", "gwm", "--password-file", password_file or "/dev/stdin",
        "--fingerprint", sim["fingerprint"],
        input=None if password_file else sim["password"] + "\n",
    )  # fmt: skip
    manage(
        "shell",
        "--no-imports",
        "-c",
        "from ganeti_webmgr.clusters.models import Cluster\n"
        "from ganeti_webmgr.console.models import ClusterConsole\n"
        "from ganeti_webmgr.inventory import sync\n"
        f"cluster = Cluster.objects.get(slug={slug!r})\n"
        "sync.sync_cluster(cluster)\n"
        "settings, _ = ClusterConsole.objects.get_or_create(cluster=cluster)\n"
        "settings.vnc_password = input()\n"
        "settings.save()\n",
        input=vnc_password + "\n",
    )


def issue_tickets(manage, vm: str, count: int = 1, slug="console", user="admin") -> list[str]:
    """`count` one-time console tickets of `user` for the VM (each valid 30 s)."""
    out = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "from ganeti_webmgr.console import tickets\n"
        "from ganeti_webmgr.virtual_machines.models import VirtualMachine\n"
        f"user = get_user_model().objects.get(username={user!r})\n"
        f"vm = VirtualMachine.objects.get(cluster__slug={slug!r}, name={vm!r})\n"
        f"for _ in range({count}): print('ticket', tickets.issue(user, vm, 'vnc'))\n",
    )
    found = [line.split()[1] for line in out.splitlines() if line.startswith("ticket ")]
    if len(found) != count:
        raise RuntimeError(f"no tickets in gwm-manage's output: {out!r}")
    return found
