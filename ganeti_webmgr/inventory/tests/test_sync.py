"""One sync of a cluster against the RAPI simulator."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiUnreachable
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]


def test_the_first_sync_imports_everything(simulator, make_cluster):
    cluster = make_cluster(simulator)
    result = sync.sync_cluster(cluster)
    assert len(result.virtual_machines.created) == 10
    assert len(result.nodes.created) == 3
    assert len(result.groups.created) == 1

    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    source = simulator.cluster.instances["inst2.sim.test"]
    assert vm.cluster == cluster
    assert vm.status == source["status"] and vm.oper_state == source["oper_state"]
    assert vm.memory == source["beparams"]["maxmem"]
    assert vm.vcpus == source["beparams"]["vcpus"]
    assert vm.disk_size == sum(source["disk.sizes"])
    assert vm.primary_node.name == source["pnode"]
    assert vm.serial_no == source["serial_no"] and vm.mtime == source["mtime"]
    assert vm.raw == source
    node = Node.objects.get(name="node1.sim.test")
    assert node.group == NodeGroup.objects.get(cluster=cluster, name="default")
    assert node.primary_count == simulator.cluster.nodes["node1.sim.test"]["pinst_cnt"]
    cluster.refresh_from_db()
    assert (cluster.ganeti_name, cluster.instance_count, cluster.node_count) == (
        "cluster.sim.test",
        10,
        3,
    )
    assert "instance-create-reqv1" in cluster.features


def test_a_sync_with_no_change_writes_nothing(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    with CaptureQueriesContext(connection) as queries:
        result = sync.sync_cluster(cluster)
    assert result.written == 0
    assert result.virtual_machines.unchanged == 10
    # Only the cluster row's own summary is written.
    assert [q for q in writes(queries) if "clusters_cluster" not in q] == []


def test_it_writes_only_the_changed_rows(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    before = dict(VirtualMachine.objects.values_list("name", "synced_at"))
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances["inst3.sim.test"]
        inst["beparams"]["maxmem"] = 8192
        sim._touch(inst)
    result = sync.sync_cluster(cluster)
    assert result.virtual_machines.updated == ["inst3.sim.test"]
    assert result.virtual_machines.unchanged == 9
    assert VirtualMachine.objects.get(name="inst3.sim.test").memory == 8192
    after = dict(VirtualMachine.objects.values_list("name", "synced_at"))
    assert [n for n in after if after[n] != before[n]] == ["inst3.sim.test"]


def test_it_sees_a_run_state_change_without_an_mtime_change(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances["inst1.sim.test"]
        serial, mtime, was_running = inst["serial_no"], inst["mtime"], inst["oper_state"]
        sim._set_running(inst, not was_running)  # e.g. the VM crashed: no config change
        assert (inst["serial_no"], inst["mtime"]) == (serial, mtime)
    result = sync.sync_cluster(cluster)
    assert result.virtual_machines.updated == ["inst1.sim.test"]
    assert VirtualMachine.objects.get(name="inst1.sim.test").oper_state is (not was_running)


def test_a_vanished_vm_is_marked_missing_and_comes_back(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    sim = simulator.cluster
    with sim.lock:
        gone = sim.instances.pop("inst4.sim.test")
    result = sync.sync_cluster(cluster)
    assert result.virtual_machines.missing == ["inst4.sim.test"]
    vm = VirtualMachine.objects.get(name="inst4.sim.test")
    assert vm.missing and vm.missing_since is not None
    assert sync.sync_cluster(cluster).written == 0  # still missing: not written again

    with sim.lock:
        sim.instances["inst4.sim.test"] = gone
    result = sync.sync_cluster(cluster)
    assert result.virtual_machines.updated == ["inst4.sim.test"]
    vm.refresh_from_db()
    assert not vm.missing and vm.missing_since is None
    assert VirtualMachine.objects.filter(name="inst4.sim.test").count() == 1


def test_a_vm_renamed_in_ganeti_keeps_its_row(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    pk = VirtualMachine.objects.get(name="inst5.sim.test").pk
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances.pop("inst5.sim.test")
        inst["name"] = "renamed.sim.test"
        sim._touch(inst)
        sim.instances["renamed.sim.test"] = inst
    result = sync.sync_cluster(cluster)
    assert result.virtual_machines.updated == ["renamed.sim.test"]
    assert result.virtual_machines.missing == [] and result.virtual_machines.created == []
    assert VirtualMachine.objects.get(pk=pk).name == "renamed.sim.test"


def test_a_new_vm_and_a_new_node_appear(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    sim = simulator.cluster
    sim.add_node("node9.sim.test")
    sim.add_instance("fresh.sim.test", "node9.sim.test", memory=1024)
    result = sync.sync_cluster(cluster)
    assert result.nodes.created == ["node9.sim.test"]
    assert result.virtual_machines.created == ["fresh.sim.test"]
    assert VirtualMachine.objects.get(name="fresh.sim.test").primary_node.name == "node9.sim.test"


def test_two_clusters_keep_apart(simulator, make_cluster):
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    with RapiSimulator(SimCluster.generate(nodes=1, instances=2, domain="other.test")) as other:
        a, b = make_cluster(simulator, "a"), make_cluster(other, "b")
        sync.sync_cluster(a)
        sync.sync_cluster(b)
        with other.cluster.lock:
            other.cluster.instances.clear()
        sync.sync_cluster(b)
    assert VirtualMachine.objects.filter(cluster=a, missing=False).count() == 10
    assert VirtualMachine.objects.filter(cluster=b, missing=True).count() == 2


def test_a_failing_cluster_writes_nothing_and_backs_off(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    simulator.inject("status", path="/2/instances", status=502, message="master down")
    simulator.inject("status", path="/2/instances", status=502, message="master down")
    simulator.inject("status", path="/2/instances", status=502, message="master down")
    with simulator.cluster.lock:
        simulator.cluster.instances.clear()
    with pytest.raises(Exception) as caught:
        sync.sync_cluster(cluster)
    assert VirtualMachine.objects.filter(missing=True).count() == 0  # nothing written
    assert sync.record_failure(cluster, caught.value, interval=60, max_backoff=900) == 60
    assert sync.record_failure(cluster, caught.value, interval=60, max_backoff=900) == 120
    for _ in range(5):
        delay = sync.record_failure(cluster, caught.value, interval=60, max_backoff=900)
    assert delay == 900
    cluster.refresh_from_db()
    assert cluster.consecutive_failures == 7
    assert "master down" in cluster.last_error


def test_an_unreachable_cluster_raises_a_typed_error(make_cluster, simulator):
    cluster = make_cluster(simulator, port=1)  # nothing listens on port 1
    with pytest.raises(RapiUnreachable):
        sync.sync_cluster(cluster)


def test_a_stop_request_after_fetching_writes_nothing(simulator, make_cluster):
    cluster = make_cluster(simulator)
    with pytest.raises(sync.SyncStopped):
        sync.sync_cluster(cluster, should_stop=lambda: True)
    assert VirtualMachine.objects.count() == 0
    assert Cluster.objects.get(pk=cluster.pk).instance_count == 0


def test_after_a_notify_two_quick_syncs_follow_then_the_interval(simulator, make_cluster):
    from django.utils import timezone

    cluster = make_cluster(simulator, quick_syncs=2)
    delays = []
    for _ in range(3):
        sync.record_success(cluster, sync.sync_cluster(cluster), interval=60)
        cluster.refresh_from_db()
        delays.append(round((cluster.next_sync_at - timezone.now()).total_seconds()))
    assert delays == [0, 0, 60]
    assert cluster.quick_syncs == 0


def test_form_choices_are_synced_and_the_os_list_hourly(simulator, make_cluster):
    simulator.cluster.networks["vlan100"] = {
        "name": "vlan100",
        "network": "192.0.2.0/24",
        "gateway": "192.0.2.1",
        "map": "X" * 256,  # not kept: it can be tens of kilobytes
        "group_list": [["default", "bridged", "br100"]],
    }
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    cluster.refresh_from_db()
    assert cluster.operating_systems == ["debootstrap+default", "noop+default", "noop+minimal"]
    assert cluster.networks == [
        {
            "name": "vlan100",
            "network": "192.0.2.0/24",
            "gateway": "192.0.2.1",
            "network6": None,
            "gateway6": None,
            "mac_prefix": None,
            "group_list": [["default", "bridged", "br100"]],
        }
    ]

    def os_requests():
        return sum(r.path == "/2/os" for r in simulator.requests)

    simulator.cluster.os_names.append("debian-image+bookworm")
    sync.sync_cluster(cluster)
    assert os_requests() == 1
    cluster.refresh_from_db()
    assert "debian-image+bookworm" not in cluster.operating_systems

    Cluster.objects.filter(pk=cluster.pk).update(
        operating_systems_at=cluster.operating_systems_at - sync.OS_LIST_INTERVAL
    )
    cluster.refresh_from_db()
    sync.sync_cluster(cluster)
    assert os_requests() == 2
    cluster.refresh_from_db()
    assert "debian-image+bookworm" in cluster.operating_systems
