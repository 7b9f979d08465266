"""Self-signed certificates for the simulator, made with ``cryptography``.

EC P-256 keys: generating one takes microseconds (RSA-2048 takes ~0.1 s), and
certificates are cached per process, so starting many simulators is cheap.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class CertPair:
    cert_pem: bytes
    key_pem: bytes
    fingerprint: str  # SHA-256, "AA:BB:..."


@functools.lru_cache(maxsize=8)
def make_certificate(common_name: str = "localhost", *, variant: int = 0) -> CertPair:
    """A certificate valid for ``localhost`` and 127.0.0.1/::1.

    ``variant`` gives distinct certificates for the same name (for the
    wrong-certificate fault).
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName(common_name),
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return CertPair(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        fingerprint=_fingerprint(cert),
    )


def _fingerprint(cert: x509.Certificate) -> str:
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, 64, 2))


def stored_certificate(directory: Path) -> CertPair:
    """The pair kept in ``directory`` (cert.pem, key.pem), made there on first use.

    A simulator that keeps its certificate across restarts keeps its fingerprint, so a
    client that pinned it goes on trusting it.
    """
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    if cert_path.exists() and key_path.exists():
        cert_pem, key_pem = cert_path.read_bytes(), key_path.read_bytes()
        cert = x509.load_pem_x509_certificate(cert_pem)
        return CertPair(cert_pem=cert_pem, key_pem=key_pem, fingerprint=_fingerprint(cert))
    pair = make_certificate.__wrapped__("localhost")  # a pair of its own, not the cached one
    directory.mkdir(parents=True, exist_ok=True)
    write_private(key_path, pair.key_pem)
    write_private(cert_path, pair.cert_pem)
    return pair


def write_private(path: Path, data: bytes) -> None:
    """Write ``path`` (mode 0600) by rename: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
