"""Cluster pages in German: the list, the page and its tabs, adding one; what the log
records stays English."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster

pytestmark = pytest.mark.django_db


def test_the_list_and_the_page_are_in_german(client, alice, synced_cluster, german):
    Cluster.objects.filter(pk=synced_cluster.pk).update(last_sync_at=timezone.now())
    client.force_login(alice)
    text = client.get("/clusters/", **german).content.decode()
    assert "<h1>Cluster</h1>" in text and ">Letzter Abgleich</th>" in text
    assert "0\xa0Minuten her</td>" in text
    text = client.get("/clusters/sim/", **german).content.decode()
    tabs = re.findall(r'<a role="tab"[^>]*>([^<]+)</a>', text)
    assert tabs[:4] == ["Übersicht", "Virtuelle Maschinen", "Knoten", "Jobs"]
    assert 'aria-label="Cluster sim"' in text
    assert '<span class="state state-running">abgeglichen</span>' in text
    assert "<dt>Name in Ganeti</dt>" in text and "in Betrieb)</dd>" in text
    assert "<dt>Zertifikat</dt><dd>festgelegt auf " in text
    assert ">Jetzt abgleichen</button>" in text
    assert "primär, " in text and " sekundär</td>" in text
    assert "<td>master</td>" in text  # Ganeti's role, as Ganeti says it


def test_adding_a_cluster_is_in_german(admin_client, simulator, german):
    text = admin_client.get("/clusters/add", **german).content.decode()
    assert "<h1>Ganeti-Cluster hinzufügen</h1>" in text
    assert "<legend>Zugangsdaten</legend>" in text and ">Benutzername:</label>" in text
    data = {
        "slug": "prod",
        "hostname": simulator.host,
        "port": simulator.port,
        "username": "gwm",
        "password": "gwm-secret",
        "trust": "pin",
        "description": "",
    }
    page = admin_client.post("/clusters/add", data, **german)
    assert "<h1>Ist das der richtige Cluster?</h1>" in page.content.decode()
    confirm = {f.html_name: f.value() for f in page.context["confirm"]}
    done = admin_client.post("/clusters/add", {"step": "confirm", **confirm}, follow=True, **german)
    assert "Cluster prod hinzugefügt; gwm-worker gleicht ihn in Kürze ab." in done.content.decode()
    cluster = Cluster.objects.get(slug="prod")
    entry = Entry.objects.get(action="cluster.add")
    assert entry.message.endswith(f"added; trust: pinned {cluster.fingerprint}")


def test_a_refusal_is_in_german(client, bob, german):
    client.force_login(bob)
    text = client.get("/clusters/add", **german).content.decode()
    assert "Nicht erlaubt (403)" in text and "Nur Superuser fügen Cluster hinzu." in text


def test_a_refresh_is_confirmed_in_german_and_logged_in_english(
    client, alice, synced_cluster, german
):
    client.force_login(alice)
    page = client.post("/clusters/sim/refresh", follow=True, **german)
    assert "Ein Abgleich wurde angefordert" in page.content.decode()
    assert Entry.objects.get(action="cluster.sync").message == "sync of sim requested"
