"""A real SSH server for serial console tests: Debian's sshd in a network
namespace of its own, reached over a veth pair, as a node's sshd would be.

Needs root (network namespaces) and /usr/sbin/sshd (bin/install-system-deps
test). Addresses come from 198.18.0.0/15 (RFC 2544, benchmarking), a /30 per
server by the test process's id, used only between the host and the namespace made
here.

The login's forced command stands in for Ganeti's console wrapper: it prints
``COMMAND <what the client asked to run>``, then answers each input line
``size`` with ``SIZE <rows> <cols>`` (the PTY's size, from stty) and any other
line with ``ECHO <line>``.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"
_BUSY: set[int] = set()  # slots of this process's servers that are up
FORCED = """#!/bin/sh
echo "COMMAND $SSH_ORIGINAL_COMMAND"
while IFS= read -r line; do
    case "$line" in
        size) echo "SIZE $(stty size)" ;;
        *) echo "ECHO $line" ;;
    esac
done
"""


def available() -> str | None:
    """Why the sshd fixture cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if not os.access(SSHD, os.X_OK) or not shutil.which("ssh-keygen"):
        return "needs openssh-server (bin/install-system-deps test)"
    if not shutil.which("ip"):
        return "needs iproute2"
    return None


class NoNamespaces(Exception):
    """This machine (a chroot, a container) cannot make network namespaces."""


@dataclass
class Sshd:
    host: str  # its address, inside the namespace
    port: int
    host_key: str  # "ssh-ed25519 AAAA..." (the public half)
    workdir: Path

    def authorize(self, public_key: str, options: str | None = None) -> None:
        """Make `public_key` the only key root may log in with (with the forced command)."""
        options = options or f'restrict,pty,command="{self.workdir / "console"}"'
        path = self.workdir / "authorized_keys"
        path.write_text(f"{options} {public_key}\n")
        path.chmod(0o600)


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


@contextmanager
def sshd(extra_config: str = "") -> Iterator[Sshd]:
    """extra_config: sshd_config lines that win over the defaults (sshd takes the first
    value it reads), e.g. an AuthorizedKeysCommand."""
    pid = os.getpid()
    # A second server at once in this process (the session's ssh_server is up) gets
    # names and a /30 of its own.
    slot = next(n for n in (0, 1, None) if n not in _BUSY)
    if slot is None:
        raise RuntimeError("two sshd servers are up in this process already")
    _BUSY.add(slot)
    tag = f"{pid}x{slot}" if slot else str(pid)
    namespace, outside, inside = f"gwm-ssh-{tag}", f"gwmsh{tag}", f"gwmsn{tag}"
    net = ipaddress.ip_network("198.18.0.0/15")
    base = net.network_address + ((pid * 2 + slot) % (net.num_addresses // 4)) * 4
    host_ip, ns_ip = str(base + 1), str(base + 2)
    workdir = Path(tempfile.mkdtemp(prefix="gwm-sshd-"))
    workdir.chmod(0o755)
    process = None
    try:
        try:
            _run("ip", "netns", "add", namespace)
        except subprocess.CalledProcessError as error:
            raise NoNamespaces(error.stderr.decode(errors="replace").strip()) from None
        _run(
            "ip", "link", "add", outside, "type", "veth", "peer", "name", inside, "netns", namespace
        )
        _run("ip", "addr", "add", f"{host_ip}/30", "dev", outside)
        _run("ip", "link", "set", outside, "up")
        # nsenter enters the namespace's network only: `ip netns exec` and `ip -n` also
        # remount / and /sys, which fails in a chroot (make test-fresh's).
        enter = ("nsenter", f"--net=/run/netns/{namespace}")
        for argv in (
            ("addr", "add", f"{ns_ip}/30", "dev", inside),
            ("link", "set", inside, "up"),
            ("link", "set", "lo", "up"),
        ):
            _run(*enter, "ip", *argv)
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(workdir / "host_key"))
        (workdir / "console").write_text(FORCED)
        (workdir / "console").chmod(0o755)
        (workdir / "authorized_keys").write_text("")
        config = workdir / "sshd_config"
        config.write_text(
            extra_config + f"ListenAddress {ns_ip}:22\n"
            f"HostKey {workdir / 'host_key'}\n"
            f"AuthorizedKeysFile {workdir / 'authorized_keys'}\n"
            f"PidFile {workdir / 'sshd.pid'}\n"
            "PermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            "UsePAM no\nStrictModes no\nUseDNS no\nLogLevel VERBOSE\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
        process = subprocess.Popen(
            [*enter, SSHD, "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(workdir / "sshd.log").open("w"),
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((ns_ip, 22), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (workdir / "sshd.log").read_text()[-2000:]
                    raise RuntimeError(f"sshd did not start: {log}") from None
                time.sleep(0.05)
        public = (workdir / "host_key.pub").read_text().split()
        yield Sshd(ns_ip, 22, f"{public[0]} {public[1]}", workdir)
    finally:
        if process is not None:
            process.terminate()
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        subprocess.run(["ip", "link", "del", outside], capture_output=True)
        subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
        _BUSY.discard(slot)
