"""Self-signed certificates for the simulator, made with ``cryptography``.

EC P-256 keys: generating one takes microseconds (RSA-2048 takes ~0.1 s), and
certificates are cached per process, so starting many simulators is cheap.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
from dataclasses import dataclass

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
    der = cert.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    return CertPair(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        fingerprint=":".join(digest[i : i + 2] for i in range(0, 64, 2)),
    )
