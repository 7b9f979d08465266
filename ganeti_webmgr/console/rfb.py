"""The RFB (VNC) handshakes of the console proxy, on both of its sides.

Towards the VNC server on the node the proxy is the client: it answers VNC
authentication with the cluster's VNC password, so the password never reaches
the browser. Towards the browser (noVNC) it is the server and offers security
type None: the browser was authenticated by GWM before the websocket opened.
After both handshakes the proxy relays bytes unchanged, starting with the
browser's ClientInit. RFC 6143 describes the protocol.

Both sides are given as two coroutines: ``read(n)`` returns exactly n bytes (or
raises EOFError), ``write(data)`` sends them.

With the cluster's VNC CA certificate set (KVM's vnc_tls), the proxy speaks
VeNCrypt (security type 19) to the node: it picks the X509Vnc or X509None
subtype, upgrades the connection to TLS, verifies the node's certificate against
that CA (and the node's name), then answers VNC authentication inside TLS. A
server that offers no VeNCrypt then is refused, so TLS cannot be stripped.
Anonymous TLS (TLSNone, TLSVnc) cannot authenticate the node and X509Plain needs
a user name GWM does not have: both are refused with a reason. No client
certificate is presented (QEMU's x509verify is not supported).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Awaitable, Callable

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

Read = Callable[[int], Awaitable[bytes]]
Write = Callable[[bytes], Awaitable[None]]
# Upgrades the connection to TLS (verifying the server); returns the new read and write.
StartTls = Callable[[], Awaitable[tuple[Read, Write]]]

NONE, VNC_AUTH, VENCRYPT = 1, 2, 19
TLS_NONE, TLS_VNC, TLS_PLAIN, X509_NONE, X509_VNC, X509_PLAIN = 257, 258, 259, 260, 261, 262
VENCRYPT_NAMES = {
    256: "Plain",
    TLS_NONE: "TLSNone",
    TLS_VNC: "TLSVnc",
    TLS_PLAIN: "TLSPlain",
    X509_NONE: "X509None",
    X509_VNC: "X509Vnc",
    X509_PLAIN: "X509Plain",
}
# After TLS: the subtype's inner authentication.
_INNER = {X509_NONE: NONE, X509_VNC: VNC_AUTH}
SECURITY_NAMES = {
    0: "invalid",
    1: "None",
    2: "VNC authentication",
    5: "RA2",
    16: "Tight",
    18: "TLS",
    19: "VeNCrypt",
    30: "Apple remote desktop",
}
_VERSION = re.compile(rb"RFB (\d{3})\.(\d{3})\n")


class RfbError(Exception):
    """The handshake failed; the message is fit for the user's screen."""


def vnc_auth_response(challenge: bytes, password: str) -> bytes:
    """DES of the 16-byte challenge, keyed by the password's first 8 bytes with
    each byte's bits reversed (how VNC has always done it)."""
    key = password.encode("latin-1", "replace")[:8].ljust(8, b"\0")
    key = bytes(int(f"{b:08b}"[::-1], 2) for b in key)
    # Triple DES with three equal keys is single DES.
    encryptor = Cipher(TripleDES(key * 3), modes.ECB()).encryptor()  # noqa: S305 - RFB's own scheme
    return encryptor.update(challenge) + encryptor.finalize()


async def _reason(read: Read) -> str:
    (length,) = struct.unpack(">I", await read(4))
    return (await read(min(length, 4096))).decode("utf-8", "replace")


def _parse_version(data: bytes) -> tuple[int, int]:
    match = _VERSION.fullmatch(data)
    if not match:
        raise RfbError("the console's server does not speak VNC (RFB)")
    return int(match.group(1)), int(match.group(2))


async def authenticate_upstream(
    read: Read, write: Write, password: str | None, start_tls: StartTls | None = None
) -> None:
    """The client's part of the handshake with the VNC server, up to ClientInit.
    With `start_tls` (the cluster has a VNC CA), only VeNCrypt with X.509 is accepted."""
    major, minor = _parse_version(await read(12))
    if major < 3 or (major == 3 and minor < 3):
        raise RfbError(f"the VNC server speaks RFB {major}.{minor}, too old")
    minor = 8 if (major, minor) >= (3, 8) else 7 if minor >= 7 else 3
    await write(b"RFB 003.%03d\n" % minor)
    if minor == 3:
        (chosen,) = struct.unpack(">I", await read(4))
        if chosen == 0:
            raise RfbError(f"the VNC server refused the connection: {await _reason(read)}")
        if start_tls is not None:
            raise RfbError(_NO_TLS)
    else:
        (count,) = await read(1)
        if count == 0:
            raise RfbError(f"the VNC server refused the connection: {await _reason(read)}")
        offered = list(await read(count))
        if start_tls is not None:
            if VENCRYPT not in offered:
                raise RfbError(_NO_TLS)
            chosen = VENCRYPT
        else:
            chosen = _choose(offered, password)
        await write(bytes([chosen]))
    if chosen == VENCRYPT:
        assert start_tls is not None
        chosen, read, write = await _vencrypt(read, write, password, start_tls)
    if chosen == VNC_AUTH:
        if password is None:
            raise RfbError("the VNC server asks for a password, and the cluster has none set")
        await write(vnc_auth_response(await read(16), password))
    elif chosen != NONE:
        raise RfbError(f"the VNC server asks for {SECURITY_NAMES.get(chosen, chosen)}")
    if chosen == VNC_AUTH or minor == 8:
        (result,) = struct.unpack(">I", await read(4))
        if result != 0:
            reason = await _reason(read) if minor == 8 else ""
            if chosen == VNC_AUTH:
                raise RfbError(
                    "the VNC server refused the cluster's VNC password"
                    + (f" ({reason})" if reason else "")
                )
            raise RfbError(
                "the VNC server refused the connection" + (f": {reason}" if reason else "")
            )


_NO_TLS = (
    "the cluster has a VNC CA certificate set, but the VNC server does not offer TLS "
    "(VeNCrypt); is vnc_tls on for the instance?"
)


async def _vencrypt(
    read: Read, write: Write, password: str | None, start_tls: StartTls
) -> tuple[int, Read, Write]:
    """VeNCrypt 0.2 up to its inner authentication: (that type, read, write over TLS)."""
    major, minor = await read(2)
    if (major, minor) < (0, 2):
        raise RfbError(f"the VNC server speaks VeNCrypt {major}.{minor}, GWM needs 0.2")
    await write(bytes([0, 2]))
    (status,) = await read(1)
    if status != 0:
        raise RfbError("the VNC server refused VeNCrypt 0.2")
    (count,) = await read(1)
    subtypes = list(struct.unpack(f">{count}I", await read(4 * count))) if count else []
    wanted = [X509_VNC, X509_NONE] if password is not None else [X509_NONE, X509_VNC]
    chosen = next((t for t in wanted if t in subtypes), None)
    if chosen is None:
        names = ", ".join(VENCRYPT_NAMES.get(t, str(t)) for t in subtypes) or "none"
        raise RfbError(
            "the VNC server offers no VeNCrypt subtype with a certificate GWM can verify "
            f"(X509None or X509Vnc); it offers {names}"
        )
    await write(struct.pack(">I", chosen))
    (accepted,) = await read(1)
    if accepted != 1:
        raise RfbError(f"the VNC server refused VeNCrypt {VENCRYPT_NAMES[chosen]}")
    read, write = await start_tls()
    return _INNER[chosen], read, write


def _choose(offered: list[int], password: str | None) -> int:
    if VNC_AUTH in offered and password is not None:
        return VNC_AUTH
    if NONE in offered:
        return NONE
    if VNC_AUTH in offered:
        return VNC_AUTH  # reported as a missing password
    names = ", ".join(str(SECURITY_NAMES.get(t, t)) for t in offered)
    if VENCRYPT in offered:
        names += " (for VeNCrypt, set the cluster's VNC CA certificate)"
    raise RfbError(f"the VNC server offers only security types GWM cannot answer: {names}")


async def greet_browser(read: Read, write: Write, failure: str | None = None) -> None:
    """The server's part of the handshake with the browser, up to ClientInit:
    security type None, or, with `failure`, RFB's refusal carrying that text
    (noVNC shows it)."""
    await write(b"RFB 003.008\n")
    major, minor = _parse_version(await read(12))
    if (major, minor) < (3, 3):
        raise RfbError(f"the browser speaks RFB {major}.{minor}")
    reason = (failure or "").encode()
    if minor < 7:
        if failure is not None:
            await write(struct.pack(">I", 0) + struct.pack(">I", len(reason)) + reason)
            return
        await write(struct.pack(">I", NONE))
        return
    if failure is not None:
        await write(b"\0" + struct.pack(">I", len(reason)) + reason)
        return
    await write(bytes([1, NONE]))
    (chosen,) = await read(1)
    if chosen != NONE:
        raise RfbError(f"the browser chose security type {chosen}, not None")
    if minor >= 8:
        await write(struct.pack(">I", 0))
