"""The console pages, their ticket view, and a cluster's console settings."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.console import tickets
from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

SECRET = "vnc-secret-123"


@pytest.fixture
def vm(imported_cluster):
    return VirtualMachine.objects.filter(cluster=imported_cluster).order_by("name").first()


def ticket_url(vm, kind="vnc"):
    return reverse("console-ticket", args=[vm.cluster.slug, vm.name, kind])


def page_url(vm, name="vm-console"):
    return reverse(name, args=[vm.cluster.slug, vm.name])


# -- tickets ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["vnc", "serial"])
def test_it_gives_a_redeemable_websocket_url(client, vm, bob, kind):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    response = client.post(ticket_url(vm, kind))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    url = urllib.parse.urlsplit(json.loads(response.content)["url"])
    assert url.scheme == "ws"
    assert url.netloc == "testserver"
    assert url.path == f"/clusters/{vm.cluster.slug}/vms/{vm.name}/console/{kind}/ws"
    token = urllib.parse.parse_qs(url.query)["ticket"][0]
    assert tickets.redeem(token, bob, vm, kind)
    assert not tickets.redeem(token, bob, vm, kind)  # once


def test_it_gives_wss_when_the_page_is_https(client, vm, bob):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    response = client.post(ticket_url(vm), secure=True)
    assert json.loads(response.content)["url"].startswith("wss://testserver/")


def test_it_hides_a_vm_the_user_cannot_see(client, vm, charlie):
    client.force_login(charlie)
    assert client.post(ticket_url(vm)).status_code == 404
    assert client.get(page_url(vm)).status_code == 404


def test_it_refuses_a_visible_vm_without_the_console_permission(client, vm, bob):
    set_permissions(vm, bob, ["modify"])  # sees it, may not power it
    client.force_login(bob)
    assert client.post(ticket_url(vm)).status_code == 403
    assert client.get(page_url(vm)).status_code == 403
    assert client.get(page_url(vm, "vm-console-serial")).status_code == 403


def test_it_rejects_get(client, vm, bob):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    assert client.get(ticket_url(vm)).status_code == 405


def test_it_requires_a_csrf_token(vm, bob):
    set_permissions(vm, bob, ["power"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post(ticket_url(vm)).status_code == 403
    page = client.get(page_url(vm))
    token = page.context["csrf_token"]
    assert client.post(ticket_url(vm), HTTP_X_CSRFTOKEN=str(token)).status_code == 200


def test_it_knows_only_vnc_and_serial(client, vm, alice):
    client.force_login(alice)
    assert client.post(ticket_url(vm, "rdp")).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login(client, vm):
    assert client.post(ticket_url(vm)).status_code == 302
    assert client.get(page_url(vm)).status_code == 302


# -- the pages -------------------------------------------------------------------------
def test_the_vnc_page_carries_its_data_and_no_inline_script(client, vm, bob):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    response = client.get(page_url(vm))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-ticket-url="{ticket_url(vm)}"' in html
    assert 'src="/static/console/vnc.js"' in html
    assert "<script>" not in html and '<script type="module">' not in html
    assert "Send Ctrl-Alt-Del" in html and "Pop out" in html
    assert "topbar" in html  # the site's layout


def test_the_pop_out_has_a_minimal_layout(client, vm, bob):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    html = client.get(page_url(vm) + "?popout=1").content.decode()
    assert "topbar" not in html
    assert "data-console-popout" not in html
    assert 'src="/static/console/vnc.js"' in html


def test_the_serial_page_uses_xterm(client, vm, bob):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    response = client.get(page_url(vm, "vm-console-serial"))
    html = response.content.decode()
    assert f'data-ticket-url="{ticket_url(vm, "serial")}"' in html
    assert "console/serial.js" in html and "console/vendor/xterm/xterm.css" in html


def test_the_vm_page_links_the_console_only_for_who_may_use_it(client, vm, bob):
    set_permissions(vm, bob, ["modify"])
    client.force_login(bob)
    detail = reverse("vm-detail", args=[vm.cluster.slug, vm.name])
    assert "?tab=console" not in client.get(detail).content.decode()  # no Console tab
    assert client.get(detail, {"tab": "console"}).status_code == 404
    set_permissions(vm, bob, ["power"])
    assert f'href="{detail}?tab=console"' in client.get(detail).content.decode()
    html = client.get(detail, {"tab": "console"}).content.decode()
    assert page_url(vm) in html and page_url(vm, "vm-console-serial") in html


# -- the cluster's console settings ------------------------------------------------------
def settings_url(cluster):
    return reverse("cluster-console", args=[cluster.slug])


def test_the_settings_are_for_who_may_edit_the_cluster(client, imported_cluster, vm, bob):
    set_permissions(imported_cluster, bob, ["admin"])  # a cluster admin edits no cluster
    client.force_login(bob)
    assert client.get(settings_url(imported_cluster)).status_code == 403
    assert client.post(settings_url(imported_cluster), {"vnc_password": SECRET}).status_code == 403
    assert not ClusterConsole.objects.exists()


def test_the_settings_hide_the_cluster_from_outsiders(client, imported_cluster, charlie):
    client.force_login(charlie)
    assert client.get(settings_url(imported_cluster)).status_code == 404


def test_the_password_is_stored_encrypted_never_shown_and_audited(client, imported_cluster, alice):
    client.force_login(alice)
    url = settings_url(imported_cluster)
    assert "not set" in client.get(url).content.decode()
    response = client.post(url, {"vnc_password": SECRET}, follow=True)
    html = response.content.decode()
    assert "VNC password set" in html
    assert SECRET not in html
    settings = ClusterConsole.objects.get(cluster=imported_cluster)
    assert settings.vnc_password == SECRET
    assert SECRET not in settings.vnc_password_encrypted
    entry = Entry.objects.get(action="cluster.console")
    assert entry.actor_name == "alice"
    assert SECRET not in json.dumps([entry.message, entry.changes])
    assert "VNC password set" in entry.message


def test_a_refused_form_does_not_echo_the_password(client, imported_cluster, alice):
    client.force_login(alice)
    response = client.post(settings_url(imported_cluster), {"vnc_password": SECRET, "clear": "on"})
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert SECRET not in response.content.decode()
    assert not Entry.objects.filter(action="cluster.console").exists()


def test_the_password_can_be_cleared(client, imported_cluster, alice):
    settings = ClusterConsole(cluster=imported_cluster)
    settings.vnc_password = SECRET
    settings.save()
    client.force_login(alice)
    assert "set" in client.get(settings_url(imported_cluster)).content.decode()
    client.post(settings_url(imported_cluster), {"clear": "on"})
    settings.refresh_from_db()
    assert settings.vnc_password_encrypted == ""
    assert Entry.objects.get(action="cluster.console").message.endswith("VNC password cleared")


def test_the_cluster_page_links_the_settings(client, imported_cluster, alice):
    client.force_login(alice)
    detail = reverse("cluster-detail", args=[imported_cluster.slug])
    assert settings_url(imported_cluster) in client.get(detail).content.decode()


def access(**changes):
    return {
        "form": "access",
        "vnc_tls_ca": "",
        "serial_known_hosts": "",
        "serial_accept_new_host_keys": "on",
        **changes,
    }


def test_a_new_serial_key_shows_its_public_half_only_and_is_audited(
    client, imported_cluster, alice
):
    client.force_login(alice)
    url = settings_url(imported_cluster)
    assert "none yet: generate one below" in client.get(url).content.decode()
    html = client.post(url, access(generate_serial_key="on"), follow=True).content.decode()
    settings = ClusterConsole.objects.get(cluster=imported_cluster)
    public = settings.serial_public_key()
    assert public.startswith("ssh-ed25519 ") and public in html
    assert "PRIVATE KEY" not in html and "PRIVATE KEY" not in settings.serial_key_encrypted
    entry = Entry.objects.get(action="cluster.console")
    assert list(entry.changes) == ["serial_key"]  # its value hidden, as every secret
    assert "PRIVATE" not in entry.message


def test_the_vnc_tls_ca_is_checked_and_kept(client, imported_cluster, alice):
    from ganeti_webmgr.testing.vnc import make_tls

    client.force_login(alice)
    url = settings_url(imported_cluster)
    refused = client.post(url, access(vnc_tls_ca="-----BEGIN CERTIFICATE-----\nnot one\n"))
    assert refused.status_code == 200
    assert "Not a PEM certificate" in refused.content.decode()
    assert not ClusterConsole.objects.exists()
    ca = make_tls(["node1.sim.test"]).ca_pem
    client.post(url, access(vnc_tls_ca=ca))
    assert ClusterConsole.objects.get(cluster=imported_cluster).vnc_tls_ca.strip() == ca.strip()


def test_host_keys_are_checked_line_by_line(client, imported_cluster, alice):
    import asyncssh

    client.force_login(alice)
    url = settings_url(imported_cluster)
    refused = client.post(url, access(serial_known_hosts="[192.0.2.1]:22 ssh-ed25519 AAAA-nope"))
    assert "Line 1:" in refused.content.decode()
    key = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()
    line = f"[192.0.2.1]:22 {key}"
    client.post(
        url, access(serial_known_hosts=f"# node1\n{line}\n", serial_accept_new_host_keys="")
    )
    settings = ClusterConsole.objects.get(cluster=imported_cluster)
    assert settings.serial_known_hosts == f"{line}\n"
    assert settings.serial_accept_new_host_keys is False
