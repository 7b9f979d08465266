"""Remove from GWM the VMs and nodes Ganeti no longer has (confirmed first)."""

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

VMS, NODES = "/clusters/sim/import/vms/gone", "/clusters/sim/import/nodes/gone"


@pytest.fixture
def gone(synced, simulator):
    """inst4 and inst5 and node3 (with the VMs on it) vanish from Ganeti."""
    sim = simulator.cluster
    with sim.lock:
        for name in ("inst4.sim.test", "inst5.sim.test"):
            sim._unlink(sim.instances.pop(name))
        for name in [
            n for n, i in sim.instances.items() if "node3.sim.test" in [i["pnode"], *i["snodes"]]
        ]:
            sim._unlink(sim.instances.pop(name))
        sim.nodes.pop("node3.sim.test")
    sync.sync_cluster(synced)
    return synced


def test_the_list_shows_missing_vms_only(client, gone, admin_of):
    client.force_login(admin_of(gone))
    page = client.get(VMS)
    names = [row.obj.name for row in page.context["rows"]]
    assert "inst4.sim.test" in names and "inst5.sim.test" in names
    assert sorted(names) == sorted(
        VirtualMachine.objects.filter(missing=True).values_list("name", flat=True)
    )
    assert "inst1.sim.test" not in names


def test_removal_asks_first_and_touches_only_gwm(client, gone, admin_of, simulator):
    admin = admin_of(gone)
    vm = VirtualMachine.objects.get(name="inst4.sim.test")
    Job.objects.create(cluster=gone, job_id=7, virtual_machine=vm, target_name=vm.name)
    client.force_login(admin)
    ask = client.post(VMS, {"name": ["inst4.sim.test", "inst5.sim.test"]})
    assert ask.status_code == 200
    assert b"Remove 2 virtual machines from GWM?" in ask.content
    assert b'name="confirm" value="yes"' in ask.content
    assert VirtualMachine.objects.filter(name="inst4.sim.test").exists()

    simulator.reset_records()
    done = client.post(VMS, {"name": ["inst4.sim.test", "inst5.sim.test"], "confirm": "yes"})
    assert done.status_code == 302 and done.url == VMS
    assert not VirtualMachine.objects.filter(name__in=["inst4.sim.test", "inst5.sim.test"])
    assert [r for r in simulator.requests if r.method != "GET"] == []
    assert Job.objects.get(job_id=7).virtual_machine is None  # the job's record stays
    entries = Entry.objects.filter(action="vm.forget").order_by("message")
    assert [e.message.split(" ")[0] for e in entries] == ["inst4.sim.test", "inst5.sim.test"]
    assert all(e.actor == admin for e in entries)
    assert "Ganeti was not touched" in client.get(VMS).content.decode()


def test_a_vm_back_in_ganeti_is_not_removed(client, gone, admin_of, simulator):
    simulator.cluster.add_instance("inst4.sim.test", "node1.sim.test")
    sync.sync_cluster(gone)  # the name is back (a new instance): the row is not missing
    client.force_login(admin_of(gone))
    response = client.post(VMS, {"name": ["inst4.sim.test"], "confirm": "yes"})
    assert response.status_code == 200
    assert "Not gone from Ganeti" in response.content.decode()
    assert VirtualMachine.objects.filter(name="inst4.sim.test").exists()
    assert not Entry.objects.filter(action="vm.forget").exists()


def test_nothing_selected_is_an_error(client, gone, admin_of):
    client.force_login(admin_of(gone))
    response = client.post(VMS, {"confirm": "yes"})
    assert "Select at least one" in response.content.decode()
    assert VirtualMachine.objects.filter(missing=True).count() >= 2


def test_a_gone_node_is_removed_and_its_vms_lose_the_link(client, gone, admin_of):
    node = Node.objects.get(name="node3.sim.test")
    assert node.missing
    linked = VirtualMachine.objects.filter(primary_node=node).count()
    assert linked  # the VMs that were on it, missing too
    client.force_login(admin_of(gone))
    page = client.get(NODES)
    assert [row.obj.name for row in page.context["rows"]] == ["node3.sim.test"]
    ask = client.post(NODES, {"name": ["node3.sim.test"]})
    assert b"Remove 1 node from GWM?" in ask.content
    done = client.post(NODES, {"name": ["node3.sim.test"], "confirm": "yes"})
    assert done.status_code == 302
    assert not Node.objects.filter(name="node3.sim.test").exists()
    assert Entry.objects.get(action="node.forget").message.startswith("node node3.sim.test")


def test_a_node_ganeti_still_has_is_refused(client, gone, admin_of):
    client.force_login(admin_of(gone))
    response = client.post(NODES, {"name": ["node1.sim.test"], "confirm": "yes"})
    assert "Not gone from Ganeti" in response.content.decode()
    assert Node.objects.filter(name="node1.sim.test").exists()


def test_a_read_only_clusters_admin_may_remove(client, simulator, make_cluster, admin_of):
    cluster = make_cluster(simulator, slug="ro", read_only=True)
    sync.sync_cluster(cluster)
    with simulator.cluster.lock:
        simulator.cluster._unlink(simulator.cluster.instances.pop("inst1.sim.test"))
    sync.sync_cluster(cluster)
    client.force_login(admin_of(cluster))
    response = client.post(
        "/clusters/ro/import/vms/gone", {"name": ["inst1.sim.test"], "confirm": "yes"}
    )
    assert response.status_code == 302
    assert not VirtualMachine.objects.filter(cluster=cluster, name="inst1.sim.test").exists()


def test_others_may_not(client, gone, vm_holder, charlie):
    data = {"name": ["inst4.sim.test"], "confirm": "yes"}
    client.force_login(charlie)
    assert client.post(VMS, data).status_code == 404
    client.force_login(vm_holder)
    assert client.post(VMS, data).status_code == 403
    assert client.post(NODES, {"name": ["node3.sim.test"], "confirm": "yes"}).status_code == 403
    assert VirtualMachine.objects.filter(name="inst4.sim.test").exists()
    assert Node.objects.filter(name="node3.sim.test").exists()
