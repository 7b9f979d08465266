"""A real VNC server for console tests: TigerVNC's Xvnc on loopback, with a password."""

from __future__ import annotations

import os
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
    ca_pem: str = ""  # with TLS: the CA that signed the server's certificate
    pid: int = 0


@dataclass(frozen=True)
class TlsFiles:
    ca_pem: str
    cert_pem: bytes
    key_pem: bytes


def make_tls(server_names: list[str], ca_name: str = "GWM test VNC CA") -> TlsFiles:
    """A CA and a server certificate it signed, for `server_names` and 127.0.0.1."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def builder(subject, public_key):
        return (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name(ca_name))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
        )

    ca = (
        builder(ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        builder(server_names[0], key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    *(x509.DNSName(n) for n in server_names),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return TlsFiles(
        ca.public_bytes(pem).decode(),
        cert.public_bytes(pem),
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def _free_display() -> int:
    """A display number no X server holds here. Besides the lock file and the socket
    in /tmp, X servers bind an abstract socket, which is per network namespace: a
    chroot on this host (make test-fresh, make test-packages) has its own /tmp but
    shares it, so a display is free only if that name can be bound too."""
    start = 40 + os.getpid() % 60  # processes side by side start apart
    for display in [*range(start, 100), *range(40, start)]:
        if Path(f"/tmp/.X{display}-lock").exists() or Path(f"/tmp/.X11-unix/X{display}").exists():
            continue
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.bind(f"\0/tmp/.X11-unix/X{display}")
            except OSError:
                continue
        return display
    raise RuntimeError("no free X display number between :40 and :99")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def xvnc(
    password: str = "console-test",
    width: int = 320,
    height: int = 200,
    tls: TlsFiles | None = None,
) -> Iterator[VncServer]:
    """Xvnc listening on 127.0.0.1 with VNC authentication, stopped afterwards;
    with `tls`, VeNCrypt X509Vnc only (VNC authentication inside TLS)."""
    workdir = Path(tempfile.mkdtemp(prefix="gwm-xvnc-"))
    try:
        process, server = _start(workdir, password, width, height, tls)
        try:
            yield server
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _start(workdir: Path, password: str, width: int, height: int, tls: TlsFiles | None):
    password_file = workdir / "passwd"
    encoded = subprocess.run(
        ["vncpasswd", "-f"], input=password.encode(), capture_output=True, check=True
    ).stdout
    password_file.write_bytes(encoded)
    password_file.chmod(0o600)
    security = ["-SecurityTypes", "VncAuth"]
    if tls is not None:
        (workdir / "cert.pem").write_bytes(tls.cert_pem)
        (workdir / "key.pem").write_bytes(tls.key_pem)
        (workdir / "key.pem").chmod(0o600)
        security = ["-SecurityTypes", "X509Vnc", "-X509Cert", str(workdir / "cert.pem"),
                    "-X509Key", str(workdir / "key.pem")]  # fmt: skip
    for _attempt in range(5):
        display, port = _free_display(), _free_port()
        process = subprocess.Popen(
            ["Xvnc", f":{display}", "-rfbport", str(port), "-localhost", "-nolisten", "tcp",
             *security, "-PasswordFile", str(password_file),
             "-geometry", f"{width}x{height}", "-depth", "24"],
            stdout=subprocess.DEVNULL,
            stderr=(workdir / "xvnc.log").open("w"),
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process, VncServer(
                    "127.0.0.1", port, password, width, height, display,
                    tls.ca_pem if tls else "", process.pid,
                )  # fmt: skip
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
