from __future__ import annotations

import re
import socket

import pytest

from ganeti_webmgr.ganeti import (
    RapiCertificateMismatch,
    RapiConfigError,
    RapiTLSError,
    RapiUnreachable,
    TlsTrust,
    fetch_certificate_fingerprint,
    format_fingerprint,
    normalize_fingerprint,
)
from ganeti_webmgr.ganeti.simulator import RapiSimulator

from .conftest import sim_client

FP = (
    "DA:36:FD:0E:24:92:EE:36:7D:88:8C:74:61:80:3C:94:"
    "67:BB:3E:23:D9:4E:12:6E:33:8A:F1:7E:9B:BA:3A:CC"
)


def test_it_normalizes_fingerprints_in_every_common_form():
    plain = FP.replace(":", "").lower()
    assert normalize_fingerprint(FP) == plain
    assert normalize_fingerprint(plain.upper()) == plain
    assert normalize_fingerprint(f"sha256 Fingerprint={FP}") == plain
    assert normalize_fingerprint(f"SHA256:{FP}") == plain
    assert format_fingerprint(plain) == FP


@pytest.mark.parametrize("bad", ["", "abc", FP[:-3], FP.replace("DA", "ZZ"), "a" * 40])
def test_it_rejects_anything_but_a_sha256_fingerprint(bad):
    with pytest.raises(RapiConfigError, match="SHA-256"):
        TlsTrust.pinned(bad)


def test_it_refuses_both_a_ca_bundle_and_a_pin():
    with pytest.raises(RapiConfigError, match="not both"):
        TlsTrust.from_options(ca_file="/etc/ssl/x.pem", fingerprint=FP)


def test_it_chooses_pin_then_bundle_then_system():
    assert TlsTrust.from_options(fingerprint=FP).mode == "pinned"
    assert TlsTrust.from_options(ca_file="/x.pem").mode == "ca_bundle"
    assert TlsTrust.from_options().mode == "system"


def test_it_builds_the_ssl_context_once_per_trust():
    trust = TlsTrust.pinned(FP)
    assert trust.ssl_context is trust.ssl_context


def test_it_reports_an_unreadable_ca_bundle_as_configuration_error(tmp_path, sim):
    with pytest.raises(RapiConfigError, match="cannot load CA bundle"):
        sim_client(sim, trust=TlsTrust.ca_bundle(str(tmp_path / "missing.pem")))


def test_it_fetches_the_certificate_fingerprint_without_sending_anything(sim: RapiSimulator):
    assert fetch_certificate_fingerprint("127.0.0.1", sim.port, timeout=2) == sim.fingerprint
    assert sim.requests == []


def test_it_reports_an_unreachable_host_when_fetching_the_fingerprint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connection refused
        with pytest.raises(RapiUnreachable):
            fetch_certificate_fingerprint("127.0.0.1", port, timeout=1)


def test_it_connects_with_the_pinned_fingerprint(sim, client):
    assert client.version() == 2


def test_it_connects_with_a_per_cluster_ca_bundle(sim):
    with sim_client(sim, trust=TlsTrust.ca_bundle(sim.ca_file)) as c:
        assert c.version() == 2


def test_it_checks_the_host_name_with_a_ca_bundle():
    # The simulator's certificate names localhost, 127.0.0.1 and ::1 only.
    with RapiSimulator(host="127.0.0.2") as other:
        with (
            sim_client(other, trust=TlsTrust.ca_bundle(other.ca_file)) as c,
            pytest.raises(RapiTLSError, match="IP address mismatch"),
        ):
            c.version()
        assert other.requests == []


def test_it_rejects_a_self_signed_certificate_with_system_cas(sim):
    with sim_client(sim, trust=TlsTrust.system()) as c, pytest.raises(RapiTLSError) as info:
        c.version()
    assert not isinstance(info.value, RapiCertificateMismatch)
    assert "certificate verify failed" in str(info.value)


def test_it_fails_a_wrong_pin_before_sending_credentials(sim):
    wrong = format_fingerprint("0" * 64)
    with (
        sim_client(sim, trust=TlsTrust.pinned(wrong)) as c,
        pytest.raises(RapiCertificateMismatch) as info,
    ):
        c.info()
    assert info.value.path == "/2/info"
    assert info.value.cluster == "sim"
    # The TLS connection was made, yet no request and so no Authorization header arrived.
    assert sim.connections >= 1
    assert sim.requests == []
    assert not any(r.authorization for r in sim.requests)


def test_it_fails_when_the_cluster_presents_another_certificate(sim, client):
    sim.faults.wrong_certificate = True
    with pytest.raises(RapiCertificateMismatch, match="does not match the pinned") as info:
        client.version()
    assert sim.requests == []
    # The fingerprint it saw, in the one format the pages use: AA:BB:... upper case.
    seen = re.search(r"presented ([0-9A-F:]+)\)", str(info.value))
    assert seen, str(info.value)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", seen.group(1))


def test_it_does_not_retry_a_tls_failure(sim):
    with (
        sim_client(sim, trust=TlsTrust.pinned("1" * 64), retries=3) as c,
        pytest.raises(RapiCertificateMismatch),
    ):
        c.version()
    assert sim.connections == 1
