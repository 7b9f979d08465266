"""How the client trusts a cluster's certificate.

There are three ways, and no way to switch verification off:

* ``TlsTrust.system()``: the system CA store, with host name checking.
* ``TlsTrust.ca_bundle(path)``: a per-cluster CA bundle, with host name
  checking.
* ``TlsTrust.pinned(fingerprint)``: the SHA-256 fingerprint of the cluster's
  own certificate. Ganeti's certificates are self-signed (and its default one
  names ``ganeti.example.com``), so pinning is the normal case. The chain and
  the host name are not checked; the exact certificate is.
"""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from .errors import RapiConfigError, RapiTimeout, RapiTLSError, RapiUnreachable

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def normalize_fingerprint(text: str) -> str:
    """Return a SHA-256 fingerprint as 64 lower-case hex digits.

    Accepts ``AA:BB:...`` (openssl's form), plain hex, and an optional
    ``sha256:``/``SHA256=`` prefix. Raises :class:`RapiConfigError` otherwise.
    """
    value = text.strip().lower()
    for prefix in ("sha256:", "sha256=", "sha256 fingerprint="):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = value.replace(":", "").replace(" ", "")
    if not _HEX64.match(value):
        raise RapiConfigError(
            "a certificate fingerprint must be a SHA-256 digest: 64 hex digits, "
            "optionally separated by colons"
        )
    return value


def format_fingerprint(hex_digest: str) -> str:
    """``aabb...`` -> ``AA:BB:...``, the form ``openssl x509 -fingerprint`` shows."""
    value = normalize_fingerprint(hex_digest)
    return ":".join(value[i : i + 2] for i in range(0, 64, 2)).upper()


def certificate_fingerprint(der: bytes) -> str:
    """SHA-256 fingerprint (``AA:BB:...``) of a DER-encoded certificate."""
    return format_fingerprint(hashlib.sha256(der).hexdigest())


@dataclass(frozen=True)
class TlsTrust:
    """One cluster's trust setting; build it with the class methods."""

    mode: Literal["system", "ca_bundle", "pinned"]
    ca_file: str | None = None
    fingerprint: str | None = None  # 64 lower-case hex digits
    ca_data: str | None = None  # PEM text, for CA certificates kept in GWM's database

    @classmethod
    def system(cls) -> TlsTrust:
        return cls("system")

    @classmethod
    def ca_bundle(cls, path: str) -> TlsTrust:
        if not path:
            raise RapiConfigError("the CA bundle path is empty")
        return cls("ca_bundle", ca_file=str(path))

    @classmethod
    def ca_certificates(cls, pem: str) -> TlsTrust:
        """CA certificates given as PEM text rather than a file."""
        if "-----BEGIN CERTIFICATE-----" not in (pem or ""):
            raise RapiConfigError("the CA certificates are not PEM text (BEGIN CERTIFICATE)")
        return cls("ca_bundle", ca_data=pem)

    @classmethod
    def pinned(cls, fingerprint: str) -> TlsTrust:
        return cls("pinned", fingerprint=normalize_fingerprint(fingerprint))

    @classmethod
    def from_options(
        cls, *, ca_file: str | None = None, fingerprint: str | None = None
    ) -> TlsTrust:
        """The pinned fingerprint, else the CA bundle, else the system CAs."""
        if ca_file and fingerprint:
            raise RapiConfigError("give either a CA bundle or a pinned fingerprint, not both")
        if fingerprint:
            return cls.pinned(fingerprint)
        if ca_file:
            return cls.ca_bundle(ca_file)
        return cls.system()

    def describe(self) -> str:
        if self.mode == "pinned":
            assert self.fingerprint
            return f"pinned SHA-256 {format_fingerprint(self.fingerprint)}"
        if self.mode == "ca_bundle":
            return f"CA bundle {self.ca_file or '(stored certificates)'}"
        return "system CAs"

    @cached_property
    def ssl_context(self) -> ssl.SSLContext:
        """One SSLContext per trust setting, built once.

        Building a context loads CA files; urllib3 would otherwise build one
        (and load the whole system store, ~40 ms) for every new connection.
        """
        if self.mode == "pinned":
            # The chain of a self-signed cert can't be verified; urllib3 checks
            # the pinned fingerprint right after the handshake instead.
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        else:
            try:
                ctx = ssl.create_default_context(cafile=self.ca_file, cadata=self.ca_data)
            except (OSError, ssl.SSLError) as exc:
                where = self.ca_file or "(stored certificates)"
                raise RapiConfigError(
                    f"cannot load CA bundle {where}: {exc.strerror or exc}"
                ) from None
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx

    def pool_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``urllib3.HTTPSConnectionPool``."""
        if self.mode == "pinned":
            return {
                "ssl_context": self.ssl_context,
                "cert_reqs": "CERT_NONE",
                "assert_fingerprint": self.fingerprint,
            }
        return {"ssl_context": self.ssl_context, "cert_reqs": "CERT_REQUIRED"}


def fetch_certificate_fingerprint(host: str, port: int = 5080, timeout: float = 5.0) -> str:
    """Connect to ``host:port``, return the SHA-256 fingerprint of its certificate.

    For the "is this the right cluster?" confirmation when an administrator
    adds a cluster: show the fingerprint, let them compare it with
    ``openssl x509 -noout -fingerprint -sha256 -in /var/lib/ganeti/rapi.pem``
    on the master, then pin it. Only a TLS handshake is made; nothing
    (certainly no credentials) is sent.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # we only read the certificate, we trust nothing
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            raw.settimeout(timeout)
            with ctx.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except TimeoutError:
        raise RapiTimeout(f"timed out after {timeout:g}s", cluster=where) from None
    except ssl.SSLError as exc:
        raise RapiTLSError(f"TLS handshake failed: {exc.reason or exc}", cluster=where) from None
    except OSError as exc:
        raise RapiUnreachable(f"cannot connect: {exc.strerror or exc}", cluster=where) from None
    if not der:
        raise RapiTLSError("the server sent no certificate", cluster=where)
    return certificate_fingerprint(der)
