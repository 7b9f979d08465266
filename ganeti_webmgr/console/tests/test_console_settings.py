"""gwm-manage console_settings: a cluster's console secrets from the command line."""

from __future__ import annotations

import io

import asyncssh
import pytest
from django.core.management import CommandError, call_command

from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.testing.vnc import make_tls


@pytest.fixture
def cluster(simulator, make_cluster):
    return make_cluster(simulator)


def settings_command(*args) -> str:
    out = io.StringIO()
    call_command("console_settings", *args, stdout=out)
    return out.getvalue()


def test_it_generates_a_serial_key_and_prints_its_public_line(cluster):
    output = settings_command(cluster.slug, "--generate-serial-key")
    settings = ClusterConsole.objects.get(cluster=cluster)
    public = settings.serial_public_key()
    assert public.startswith("ssh-ed25519 ") and f"  {public}\n" in output
    assert "PRIVATE KEY" not in settings.serial_key_encrypted  # encrypted at rest
    assert asyncssh.import_private_key(
        settings.serial_key
    ).export_public_key().decode().strip() == (public)


def test_it_sets_the_vnc_ca_password_and_host_keys(cluster, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text(make_tls(["node1.example"]).ca_pem)
    password = tmp_path / "vnc"
    password.write_text("secret\n")
    host_key = tmp_path / "host.pub"
    host_key.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheTest root@node1\n")
    output = settings_command(
        cluster.slug,
        "--vnc-tls-ca", str(ca), "--vnc-password-file", str(password),
        "--add-host-key", "192.0.2.1:2222", str(host_key), "--accept-new-host-keys", "no",
    )  # fmt: skip
    settings = ClusterConsole.objects.get(cluster=cluster)
    assert settings.vnc_password == "secret" and "BEGIN CERTIFICATE" in settings.vnc_tls_ca
    assert settings.serial_known_hosts == (
        "[192.0.2.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheTest\n"
    )
    assert not settings.serial_accept_new_host_keys
    assert "VNC TLS CA: set" in output
    settings_command(cluster.slug, "--forget-host-key", "192.0.2.1:2222", "--no-vnc-tls")
    settings.refresh_from_db()
    assert (settings.serial_known_hosts, settings.vnc_tls_ca) == ("", "")


def test_an_unknown_cluster_is_an_error(db):
    with pytest.raises(CommandError, match="no cluster 'nope'"):
        settings_command("nope")
