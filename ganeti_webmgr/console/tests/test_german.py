"""The console pages in German, with the texts their scripts show (data-msg-*), and
the cluster's console settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def vm(imported_cluster):
    return VirtualMachine.objects.filter(cluster=imported_cluster).order_by("name").first()


def test_the_vnc_page_is_in_german(client, vm, bob, german):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    text = client.get(reverse("vm-console", args=[vm.cluster.slug, vm.name]), **german)
    text = text.content.decode()
    assert f'Konsole von <a href="/clusters/{vm.cluster.slug}/vms/{vm.name}/">' in text
    assert ">Strg-Alt-Entf senden</button>" in text
    assert 'data-msg-connected="Verbunden"' in text
    assert 'data-msg-no-ticket="GWM hat kein Konsolenticket ausgestellt (HTTP {status});' in text


def test_the_serial_page_pops_out_in_german(client, vm, bob, german):
    set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    url = reverse("vm-console-serial", args=[vm.cluster.slug, vm.name]) + "?popout=1"
    text = client.get(url, **german).content.decode()
    assert '<html lang="de">' in text
    assert f'<h1 id="console-title">Serielle Konsole von {vm.name}</h1>' in text
    assert 'data-msg-lost="Die Verbindung zur Konsole ist abgebrochen' in text


def test_the_settings_and_their_refusals_are_in_german(client, vm, alice, german):
    client.force_login(alice)
    url = reverse("cluster-console", args=[vm.cluster.slug])
    text = client.get(url, **german).content.decode()
    assert '<h2 id="console-settings">Konsoleneinstellungen</h2>' in text
    assert ">Neues VNC-Passwort</label>" in text
    refused = client.post(url, {"form": "password"}, **german)
    assert "Geben Sie ein neues Passwort ein oder kreuzen Sie „Löschen“ an." in (
        refused.content.decode()
    )
