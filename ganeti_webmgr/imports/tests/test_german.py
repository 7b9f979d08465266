"""The import tools in German: the overview, a cluster's page, a list and its
confirmation, and their messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganeti_webmgr.nodes.models import Node

pytestmark = pytest.mark.django_db


def test_the_overview_is_in_german(client, cluster, admin_of, german):
    client.force_login(admin_of(cluster))
    text = client.get(reverse("import-overview"), **german).content.decode()
    assert "<h1>Import-Werkzeuge</h1>" in text
    assert '<th scope="col">Automatischer Import</th>' in text
    assert "<td>aus</td>" in text  # the waiting cluster's automatic import


def test_a_clusters_page_and_list_are_in_german(client, cluster, admin_of, german):
    client.force_login(admin_of(cluster))
    page = client.get(reverse("cluster-import", args=[cluster.slug]), **german)
    assert '<h2 id="auto">Automatischer Import ist aus</h2>' in page.content.decode()
    listed = client.get(reverse("cluster-import-nodes", args=[cluster.slug]), **german)
    assert "<p>3 Knoten.</p>" in listed.content.decode()
    assert ">Ausgewählte importieren</button>" in listed.content.decode()


def test_an_import_and_a_refusal_say_so_in_german(client, cluster, admin_of, german):
    client.force_login(admin_of(cluster))
    url = reverse("cluster-import-nodes", args=[cluster.slug])
    refused = client.post(url, {}, **german)
    assert "Wählen Sie mindestens einen Eintrag (Kästchen ankreuzen)." in refused.content.decode()
    done = client.post(url, {"name": ["node1.sim.test"]}, follow=True, **german)
    assert "1 Knoten importiert: node1.sim.test." in done.content.decode()
    assert Node.objects.filter(cluster=cluster, name="node1.sim.test").exists()


def test_removing_what_is_gone_asks_in_german(client, synced, admin_of, german):
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    VirtualMachine.objects.filter(name__in=["inst1.sim.test", "inst2.sim.test"]).update(
        missing=True
    )
    client.force_login(admin_of(synced))
    url = reverse("cluster-import-vms-gone", args=[synced.slug])
    asked = client.post(url, {"name": ["inst1.sim.test", "inst2.sim.test"]}, **german)
    text = asked.content.decode()
    assert "<h1>2 virtuelle Maschinen aus GWM entfernen?</h1>" in text
    assert "<strong>Ganeti bleibt unberührt</strong>" in text
