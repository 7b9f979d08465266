"""Import nodes waiting in the list; the VMs on them get their node at the next sync."""

import pytest
from django.utils import timezone

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

URL = "/clusters/sim/import/nodes/new"


@pytest.fixture
def new_node(synced, simulator):
    """node9 and a VM on it (drbd, inst1's primary as secondary) appear in Ganeti."""
    sim = simulator.cluster
    sim.add_node("node9.sim.test")
    sim.add_instance("fresh.sim.test", "node9.sim.test")
    sim.add_instance(
        "mirror.sim.test", "node1.sim.test", snode="node9.sim.test", disk_template="drbd"
    )
    sync.sync_cluster(synced)
    return synced


def test_a_vm_imported_before_its_node_gets_it_after_the_next_sync(client, new_node, admin_of):
    client.force_login(admin_of(new_node))
    client.post(
        "/clusters/sim/import/vms/new",
        {"name": ["fresh.sim.test", "mirror.sim.test"], "owner": "nobody"},
    )
    fresh = VirtualMachine.objects.get(name="fresh.sim.test")
    mirror = VirtualMachine.objects.get(name="mirror.sim.test")
    assert fresh.primary_node is None and mirror.secondary_node is None
    assert mirror.primary_node.name == "node1.sim.test"

    Cluster.objects.filter(pk=new_node.pk).update(
        next_sync_at=timezone.now() + timezone.timedelta(hours=1)
    )
    page = client.get(URL)
    assert [row.obj.name for row in page.context["rows"]] == ["node9.sim.test"]
    response = client.post(URL, {"name": ["node9.sim.test"]})
    assert response.status_code == 302
    node = Node.objects.get(name="node9.sim.test")
    assert node.raw["name"] == "node9.sim.test" and node.group is not None
    assert not PendingImport.objects.exists()
    assert (
        Entry.objects.get(action="node.import").message
        == "node node9.sim.test imported from Ganeti"
    )
    new_node.refresh_from_db()
    assert new_node.next_sync_at <= timezone.now()  # a sync is requested
    assert "A sync was requested" in client.get(URL).content.decode()

    result = sync.sync_cluster(new_node)
    assert sorted(result.virtual_machines.updated) == ["fresh.sim.test", "mirror.sim.test"]
    fresh.refresh_from_db()
    mirror.refresh_from_db()
    assert fresh.primary_node == node and mirror.secondary_node == node
    assert sync.sync_cluster(new_node).written == 0  # and then they are settled


def test_a_missing_vm_stays_missing_when_a_node_is_imported(client, new_node, admin_of, simulator):
    with simulator.cluster.lock:
        simulator.cluster.instances["inst2.sim.test"]["pnode"] = "node9.sim.test"
    sync.sync_cluster(new_node)
    with simulator.cluster.lock:
        simulator.cluster.instances.pop("inst2.sim.test")
    sync.sync_cluster(new_node)
    since = VirtualMachine.objects.get(name="inst2.sim.test").missing_since
    client.force_login(admin_of(new_node))
    client.post(URL, {"name": ["node9.sim.test"]})
    result = sync.sync_cluster(new_node)
    assert "inst2.sim.test" not in result.virtual_machines.missing
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    assert vm.missing and vm.missing_since == since


def test_bad_names_import_nothing(client, new_node, admin_of):
    client.force_login(admin_of(new_node))
    for data, error in (
        ({}, "Select at least one"),
        ({"name": ["node1.sim.test"]}, "Not waiting for import"),  # GWM has it
        ({"name": ["node9.sim.test", "nosuch"]}, "nosuch"),
    ):
        response = client.post(URL, data)
        assert response.status_code == 200
        assert error in response.content.decode()
    assert not Node.objects.filter(name="node9.sim.test").exists()
    assert not Entry.objects.filter(action="node.import").exists()


def test_others_may_not(client, new_node, vm_holder, charlie):
    for user, status in ((charlie, 404), (vm_holder, 403)):
        client.force_login(user)
        assert client.get(URL).status_code == status
        assert client.post(URL, {"name": ["node9.sim.test"]}).status_code == status
    assert not Node.objects.filter(name="node9.sim.test").exists()
