"""The serial console: SSH to the VM's primary node, run Ganeti's console command
there under a PTY, and relay the terminal's bytes.

The websocket's protocol (what the browser's xterm.js page speaks):

- BINARY frames, both ways: the terminal's bytes.
- TEXT frames from the browser: JSON control messages; ``{"type": "resize",
  "cols": C, "rows": R}`` changes the PTY's size.
- On a failure the server sends a TEXT frame ``{"type": "error", "message":
  "..."}`` and closes.

Host keys: each cluster keeps the node keys it trusts (``serial_known_hosts``,
OpenSSH known_hosts lines ``[address]:port type key``). A node with no line gets
its first key recorded when ``serial_accept_new_host_keys`` is on (OpenSSH's
StrictHostKeyChecking=accept-new); a key that differs from the recorded one is
always refused, before GWM authenticates or sends a byte of terminal input.
"""

from __future__ import annotations

import asyncio
import json
import shlex
from dataclasses import dataclass

import asyncssh

from ganeti_webmgr.console import relay as relaying

CONNECT_TIMEOUT = 10.0
TERM = "xterm-256color"
DEFAULT_SIZE = (80, 24)


class SerialError(Exception):
    """The serial console could not be opened; the message is for the user."""


@dataclass(frozen=True)
class SerialTarget:
    host: str  # the primary node's address
    node: str  # its name, for messages
    port: int
    user: str
    command: list[str]
    key: str  # OpenSSH private key
    known_hosts: str
    accept_new: bool


def host_pattern(host: str, port: int) -> str:
    return host if port == 22 else f"[{host}]:{port}"


def known_key(known_hosts: str, host: str, port: int) -> list[str]:
    """The recorded keys ("type base64") for this address and port."""
    pattern = host_pattern(host, port)
    keys = []
    for line in known_hosts.splitlines():
        fields = line.split()
        if len(fields) >= 3 and not line.startswith("#") and pattern in fields[0].split(","):
            keys.append(f"{fields[1]} {fields[2]}")
    return keys


def _key_text(key: asyncssh.SSHKey) -> str:
    return " ".join(key.export_public_key().decode().split()[:2])


class _Client(asyncssh.SSHClient):
    """Checks the node's host key against the cluster's record (see the module)."""

    def __init__(self, target: SerialTarget):
        self.target = target
        self.new_key: str | None = None
        self.refusal: str | None = None

    def validate_host_public_key(self, host, addr, port, key) -> bool:
        presented = _key_text(key)
        recorded = known_key(self.target.known_hosts, self.target.host, self.target.port)
        if recorded:
            if presented in recorded:
                return True
            self.refusal = (
                f"the SSH host key of {self.target.node} ({self.target.host}:{self.target.port}) "
                f"is not the one GWM recorded for it: {key.get_fingerprint()} was presented. "
                "If the node was reinstalled, an administrator must replace its key in the "
                "cluster's console settings"
            )
            return False
        if self.target.accept_new:
            self.new_key = presented
            return True
        self.refusal = (
            f"GWM has no SSH host key recorded for {self.target.node} "
            f"({self.target.host}:{self.target.port}); an administrator must add it "
            f"(it presented {key.get_fingerprint()})"
        )
        return False


@dataclass
class Opened:
    connection: asyncssh.SSHClientConnection
    process: asyncssh.SSHClientProcess
    new_host_key: str | None  # to record: "[addr]:port type base64"


async def open_console(target: SerialTarget, size: tuple[int, int] = DEFAULT_SIZE) -> Opened:
    where = f"{target.node} ({target.host}:{target.port})"
    try:
        private_key = asyncssh.import_private_key(target.key)
    except (asyncssh.KeyImportError, ValueError):
        raise SerialError("the cluster's serial console key cannot be read") from None
    client = _Client(target)
    try:
        connection, _ = await asyncio.wait_for(
            asyncssh.create_connection(
                lambda: client,
                target.host,
                target.port,
                username=target.user,
                client_keys=[private_key],
                known_hosts=([], [], []),  # every key goes to _Client
                server_host_key_algs="default",
                agent_path=None,
                password=None,
                kbdint_auth=False,
                config=None,
                preferred_auth="publickey",
            ),
            CONNECT_TIMEOUT,
        )
    except asyncssh.PermissionDenied:
        raise SerialError(
            f"{where} refused GWM's serial console key for user {target.user}: is the "
            "cluster's public key in that user's authorized_keys on the node?"
        ) from None
    except asyncssh.HostKeyNotVerifiable:
        raise SerialError(client.refusal or f"the SSH host key of {where} is not trusted") from None
    except (asyncssh.Error, OSError, TimeoutError) as error:
        if client.refusal:
            raise SerialError(client.refusal) from None
        reason = getattr(error, "reason", None) or str(error) or "timeout"
        raise SerialError(f"SSH to {where} failed: {reason}") from None
    try:
        process = await connection.create_process(
            shlex.join(target.command),
            term_type=TERM,
            term_size=size,
            encoding=None,
        )
    except (asyncssh.Error, OSError) as error:
        connection.close()
        raise SerialError(f"{where} did not start the console command: {error}") from None
    new = f"{host_pattern(target.host, target.port)} {client.new_key}" if client.new_key else None
    return Opened(connection, process, new)


def upstream(opened: Opened) -> relaying.Upstream:
    process = opened.process

    # The relay knows a closed side by ConnectionError.
    async def read() -> bytes:
        try:
            return await process.stdout.read(relaying.CHUNK)
        except asyncssh.Error as error:
            raise ConnectionError(str(error)) from None

    async def write(data: bytes) -> None:
        try:
            process.stdin.write(data)
            await process.stdin.drain()
        except asyncssh.Error as error:
            raise ConnectionError(str(error)) from None

    def close() -> None:
        process.close()
        opened.connection.close()

    return relaying.Upstream(read, write, close)


def control(text: str, process: asyncssh.SSHClientProcess) -> None:
    """Act on one of the browser's JSON control messages; unknown ones are ignored."""
    try:
        message = json.loads(text)
    except ValueError:
        return
    if not isinstance(message, dict):
        return
    if message.get("type") == "resize":
        cols, rows = message.get("cols"), message.get("rows")
        if (
            isinstance(cols, int)
            and isinstance(rows, int)
            and 0 < cols < 10000
            and 0 < rows < 10000
        ):
            process.change_terminal_size(cols, rows)


def error_frame(message: str) -> str:
    return json.dumps({"type": "error", "message": message})
