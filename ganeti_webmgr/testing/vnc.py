"""A real VNC server for console tests: TigerVNC's Xvnc on loopback, with a password."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class VncServer:
    host: str
    port: int
    password: str
    width: int
    height: int
    display: int


def _free_display() -> int:
    for display in range(40, 100):
        if (
            not Path(f"/tmp/.X{display}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{display}").exists()
        ):
            return display
    raise RuntimeError("no free X display number between :40 and :99")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def xvnc(
    password: str = "console-test", width: int = 320, height: int = 200
) -> Iterator[VncServer]:
    """Xvnc listening on 127.0.0.1 with VNC authentication, stopped afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="gwm-xvnc-"))
    try:
        process, server = _start(workdir, password, width, height)
        try:
            yield server
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _start(workdir: Path, password: str, width: int, height: int):
    password_file = workdir / "passwd"
    encoded = subprocess.run(
        ["vncpasswd", "-f"], input=password.encode(), capture_output=True, check=True
    ).stdout
    password_file.write_bytes(encoded)
    password_file.chmod(0o600)
    for _attempt in range(5):
        display, port = _free_display(), _free_port()
        process = subprocess.Popen(
            ["Xvnc", f":{display}", "-rfbport", str(port), "-localhost", "-nolisten", "tcp",
             "-SecurityTypes", "VncAuth", "-PasswordFile", str(password_file),
             "-geometry", f"{width}x{height}", "-depth", "24"],
            stdout=subprocess.DEVNULL,
            stderr=(workdir / "xvnc.log").open("w"),
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process, VncServer("127.0.0.1", port, password, width, height, display)
            except OSError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    raise RuntimeError("Xvnc did not start: " + (workdir / "xvnc.log").read_text()[-2000:])


def point_console_at(cluster, server: VncServer) -> str:
    """Make the first instance of a simulator's cluster (a SimCluster) a running KVM VM
    whose VNC console is `server`, with its node on loopback; returns its name."""
    name = sorted(cluster.instances)[0]
    with cluster.lock:
        inst = cluster.instances[name]
        cluster.meta[name].hypervisor = "kvm"
        inst["network_port"] = server.port
        inst["admin_state"] = "up"
        cluster._set_running(inst, True)
        cluster.nodes[inst["pnode"]]["pip"] = "127.0.0.1"
    return name
