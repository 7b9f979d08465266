"""The search page in German; what it finds keeps its names and Ganeti's states."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_search_page_is_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get("/search/", **german).content.decode()
    assert "<h1>Suche</h1>" in text and ">Suchen</button>" in text
    assert "Geben Sie einen Namen, eine Adresse oder eine Job-Nummer ein" in text


def test_results_are_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get("/search/?q=inst1", **german).content.decode()
    assert "Treffer einer Art für „inst1“." in text
    assert ">Virtuelle Maschinen</h2>" in text
    assert "sim · running" in text  # Ganeti's state
    text = client.get("/search/?q=zzz", **german).content.decode()
    assert "Nichts, was Sie sehen dürfen, passt zu „zzz“." in text
