"""The site's frame in German: the bar, the dashboard, the error pages and the list
controls every list shares."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_bar_and_the_dashboard_are_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get("/", **german).content.decode()
    assert '<html lang="de">' in text
    assert '<a class="skip" href="#main">Zum Inhalt springen</a>' in text
    assert ">Virtuelle Maschinen</a>" in text and ">Abmelden</button>" in text
    assert 'placeholder="Suchen ( / )"' in text
    assert "<h1>Dashboard</h1>" in text and ">Letzte Jobs</h2>" in text
    assert "virtuellen Maschinen in Betrieb." in text
    assert "Arbeitsspeicher: " in text and " MiB von " in text
    assert "vCPUs laufender VMs: " in text
    assert "Log out" not in text and "Recent jobs" not in text


def test_the_error_pages_are_in_german(client, bob, german):
    client.force_login(bob)
    text = client.get("/clusters/no-such-cluster/", **german).content.decode()
    assert "Nicht gefunden (404)" in text
    assert "Unter <code>/clusters/no-such-cluster/</code> gibt es keine Seite" in text
    assert ">Dashboard</a>" in text
    text = client.post("/", **german).content.decode()
    assert "Diese Adresse beantwortet keine POST-Anfrage, nur GET." in text


def test_the_list_controls_are_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get("/vms/?q=inst&sort=nope", **german).content.decode()
    assert '<label for="list-q">Suche</label>' in text
    assert "<summary>Spalten und Seitengröße</summary>" in text
    assert ">Filtern</button>" in text and '<option value="">alle</option>' in text
    assert "Sortierung: keine Spalte &#x27;nope&#x27;; stattdessen die übliche Reihenfolge." in text
    assert 'title="Diesen Filter entfernen">Suche: inst' in text
    assert "Seite 1 von 1" in text
