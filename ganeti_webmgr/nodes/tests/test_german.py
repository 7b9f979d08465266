"""Node pages in German: the list with its filters, the page and its tabs; Ganeti's
own words (roles) stay as Ganeti says them."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_node_list_is_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    text = client.get("/clusters/sim/nodes/", **german).content.decode()
    assert '<span class="list-count">3 Knoten.</span>' in text
    assert 'placeholder="Name, IP-Adresse, Gruppe oder Tag"' in text
    assert '<option value="master-candidate">Master-Kandidat</option>' in text
    assert ">Freier Arbeitsspeicher</a>" in text
    assert "<td>master</td>" in text  # Ganeti's role


def test_the_node_page_is_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    page = "/clusters/sim/nodes/node1.sim.test/"
    text = client.get(page, **german).content.decode()
    assert "<h1>Knoten node1.sim.test</h1>" in text
    tabs = re.findall(r'<a role="tab"[^>]*>([^<]+)</a>', text)
    assert tabs == ["Übersicht", "Virtuelle Maschinen", "Jobs", "Protokoll"]
    assert "<dt>Arbeitsspeicher</dt><dd>" in text and " MiB frei</dd>" in text
    text = client.get(page + "?tab=vms", **german).content.decode()
    assert '<th scope="col">Rolle hier</th>' in text
    assert "<td>primär</td>" in text
