"""The VM pages in German: the page and its tabs, the list, and what stays Ganeti's
own words (states, disk templates, parameter names)."""

from __future__ import annotations

import re

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

PAGE = "/clusters/sim/vms/inst2.sim.test/"  # running, one file disk of 1024 MiB, KVM


def test_the_vm_page_is_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get(PAGE, **german).content.decode()
    assert "Virtuelle Maschine auf Cluster <a" in text
    tabs = re.findall(r'<a role="tab"[^>]*>([^<]+)</a>', text)
    assert tabs[:4] == ["Übersicht", "Konsole", "Festplatten", "Netzwerk"]
    assert "<dt>Arbeitsspeicher</dt>" in text and "<dt>Besitzer</dt>" in text
    # The header's actions come from the actions app's catalog.
    assert ">Herunterfahren…</a>" in text and ">Neu starten…</a>" in text
    assert ">running</span>" in text  # Ganeti's state, as Ganeti says it
    assert "Overview" not in text and "Memory" not in text


def test_the_disks_tab_counts_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get(PAGE + "?tab=disks", **german).content.decode()
    assert "<strong>file</strong>: 1 Festplatte, 1024 MiB insgesamt." in text
    assert "<td>Festplatte 0</td>" in text


def test_the_list_is_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get("/vms/", **german).content.decode()
    count = VirtualMachine.objects.filter(missing=False).count()
    assert f"{count} virtuelle Maschinen." in text
    assert ">Virtuelle Maschine erstellen</a>" in text
    assert 'placeholder="Name, IP, MAC, Knoten, Betriebssystem, Tag oder Besitzer"' in text
    assert ">Arbeitsspeicher</a>" in text  # a column's sort link
    assert '<option value="shutdown">Herunterfahren</option>' in text


def test_a_message_is_in_german_and_the_log_in_english(client, alice, synced_cluster, german):
    client.force_login(alice)
    page = client.post(PAGE + "notes", {"notes": "Backup um 3 Uhr"}, follow=True, **german)
    assert "Notizen gespeichert." in page.content.decode()
    assert Entry.objects.get(action="vm.notes").message == "notes of inst2.sim.test changed"


def test_the_parameters_page_keeps_ganetis_names(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get(PAGE + "parameters", **german).content.decode()
    assert "<legend>Betriebssystem</legend>" in text
    assert ">kernel_path</label>" in text  # a hypervisor parameter keeps its name
    assert '<th scope="col">Parameter</th><th scope="col">Wert</th>' in text
