"""A cluster that hangs holds no web request: its users' clicks are recorded at once,
and every other page is served without a word to any cluster."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.clusters.rapi import forget
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung(make_cluster):
    """A second cluster, synced, whose RAPI then answers nothing for a minute."""
    with RapiSimulator(
        SimCluster.generate(nodes=2, instances=4, domain="hung.test"), wait_timeout=1.0
    ) as sim:
        cluster = make_cluster(sim, "hung")
        sync.sync_cluster(cluster)
        forget(cluster.pk)  # no kept-alive connection: any use of it would be a new one
        sim.inject("hang", seconds=60)  # every path
        yield sim


def test_clicks_on_a_hung_cluster_never_reach_it_from_the_web(
    client, simulator, make_cluster, hung
):
    sync.sync_cluster(make_cluster(simulator))
    client.force_login(User.objects.create_superuser("root", "r@example.org", "pw"))
    VirtualMachine.objects.filter(cluster__slug="hung").update(oper_state=True)
    healthy_before = len(simulator.requests)
    # Counted when a connection is accepted, before any answer (a hung one has none).
    hung_connections = hung.connections
    for number in range(1, 5):
        name = f"inst{number}.hung.test"
        response = client.post(f"/clusters/hung/vms/{name}/reboot")
        assert response.status_code == 302
    bulk = client.post(
        "/vms/bulk",
        {
            "action": "shutdown",
            "vm": [
                str(pk)
                for pk in VirtualMachine.objects.filter(cluster__slug="hung").values_list(
                    "pk", flat=True
                )
            ],
        },
    )
    assert bulk.status_code == 200
    for url in (
        "/",
        "/clusters/",
        "/clusters/sim/",
        "/clusters/sim/vms/",
        "/clusters/sim/vms/inst1.sim.test/",
        "/clusters/sim/nodes/",
        "/clusters/hung/",
        "/clusters/hung/vms/inst1.hung.test/",
        "/vms/",
        "/jobs/",
    ):
        assert client.get(url).status_code == 200, url
    assert hung.connections == hung_connections  # the web never went near the hung cluster
    assert len(simulator.requests) == healthy_before  # nor to the healthy one
    assert Job.objects.filter(cluster__slug="hung", status="submitting").count() == 8
