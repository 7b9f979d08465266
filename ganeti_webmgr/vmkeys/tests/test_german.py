"""The SSH keys tab in German: the mappings, the form, Ganeti's check; the log's
entry stays English."""

from __future__ import annotations

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync

pytestmark = pytest.mark.django_db

URL = "/clusters/sim/ssh-keys"


@pytest.fixture
def cluster(simulator, make_cluster):
    simulator.cluster.os_parameters["noop"] = [["ssh_key", "keys for root"]]
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return cluster


def test_the_tab_is_in_german(client, alice, cluster, german):
    client.force_login(alice)
    text = client.get(URL, **german).content.decode()
    assert '<h2 id="key-mapping">Schlüssel in neue VMs</h2>' in text
    assert ">Betriebssystem:</label>" in text
    assert "alle Schlüssel, je eine authorized_keys-Zeile" in text
    assert "noch keines: Der Feed antwortet nichts" in text


def test_a_mapping_is_checked_in_german_and_logged_in_english(client, alice, cluster, german):
    client.force_login(alice)
    refused = client.post(
        URL, {"form": "map", "os": "debootstrap", "parameter": "ssh_key"}, **german
    )
    assert "Das OS debootstrap deklariert keinen Parameter &#x27;ssh_key&#x27;" in (
        refused.content.decode()
    )
    page = client.post(
        URL, {"form": "map", "os": "noop", "parameter": "ssh_key"}, follow=True, **german
    )
    assert "Schlüssel kommen von nun an in ssh_key von noop." in page.content.decode()
    assert "<td>alle Schlüssel, je eine authorized_keys-Zeile</td>" in page.content.decode()
    assert Entry.objects.get(action="cluster.ssh_keys").message == (
        "sim: all keys, one authorized_keys line each into ssh_key of noop at creation"
    )
