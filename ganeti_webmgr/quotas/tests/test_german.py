"""Quotas in German: the cluster's Quotas tab, the usage on the dashboard, setting
one; the log keeps its English words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.quotas.models import Quota

pytestmark = pytest.mark.django_db

QUOTAS = reverse("cluster-quotas", args=["sim"])


@pytest.fixture
def cluster(synced_cluster, own_vms, bob):
    """bob owns inst7 (running, 2048 MiB, 4 vCPUs), with a quota of 4 GiB and 5 VMs."""
    own_vms(bob, "inst7.sim.test", grant=["power"])
    Quota.objects.create(cluster=synced_cluster, owner_user=bob, ram=4096, vms=5)
    return synced_cluster


def test_the_quotas_tab_is_in_german(client, alice, cluster, german):
    client.force_login(alice)
    text = client.get(QUOTAS, **german).content.decode()
    assert '<h2 id="usage-heading">Verbrauch nach Besitzer</h2>' in text
    row = text[text.index("Benutzer bob") :].split("</tr>")[0]
    assert "2 GiB von 4 GiB" in row and "<td>eigenes</td>" in row
    assert "Arbeitsspeicher keine Grenze" in text  # the cluster's defaults
    assert '<h2 id="quota-form">Kontingent eines Besitzers festlegen</h2>' in text


def test_the_dashboard_shows_the_usage_in_german(client, bob, cluster, german):
    client.force_login(bob)
    text = client.get("/", **german).content.decode()
    assert '<span class="quota-label">Arbeitsspeicher</span> 2 GiB von 4 GiB' in text


def test_setting_a_quota_says_so_in_german_and_logs_in_english(client, alice, cluster, german):
    client.force_login(alice)
    data = {"owner": "user:bob", "ram": "1024", "vms": "3"}
    page = client.post(QUOTAS, data, follow=True, **german)
    assert "Kontingent von bob gespeichert." in page.content.decode()
    message = Entry.objects.get(action="quota.set").message
    assert message == "quota of bob on sim: memory 1024, disk no limit, vCPUs no limit, " + (
        "virtual machines 3"
    )
