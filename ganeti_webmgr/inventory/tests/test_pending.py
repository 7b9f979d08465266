"""The sync with auto_import off: new instances and nodes wait, nothing else changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganeti_webmgr.ganeti import Instance
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.inventory.job_targets import Targets, write_targets
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]


def pending(kind):
    return sorted(PendingImport.objects.filter(kind=kind).values_list("name", flat=True))


def test_new_instances_and_nodes_wait_and_get_no_row(simulator, make_cluster):
    cluster = make_cluster(simulator, auto_import=False)
    result = sync.sync_cluster(cluster)
    assert VirtualMachine.objects.count() == 0 and Node.objects.count() == 0
    assert len(pending("vm")) == 10 and pending("node") == [
        "node1.sim.test",
        "node2.sim.test",
        "node3.sim.test",
    ]
    assert len(result.virtual_machines.pending) == 10 and result.virtual_machines.created == []
    assert result.groups.created == ["default"]  # node groups are always synced
    assert result.written == 1 + 13  # the group, and the pending rows
    assert "10 waiting for import" in "\n".join(result.describe())
    record = PendingImport.objects.get(kind="vm", name="inst2.sim.test")
    assert record.raw == simulator.cluster.instances["inst2.sim.test"]
    assert record.uuid == simulator.cluster.instances["inst2.sim.test"]["uuid"]
    assert record.cluster == cluster and record.first_seen is not None


def test_a_sync_with_no_change_writes_nothing_not_even_the_list(waiting_cluster):
    before = dict(PendingImport.objects.values_list("name", "synced_at"))
    with CaptureQueriesContext(connection) as queries:
        result = sync.sync_cluster(waiting_cluster)
    assert result.written == 0
    assert [q for q in writes(queries) if "clusters_cluster" not in q] == []
    assert dict(PendingImport.objects.values_list("name", "synced_at")) == before


def test_the_list_follows_ganeti(waiting_cluster, simulator):
    sim = simulator.cluster
    first_seen = PendingImport.objects.get(name="inst3.sim.test").first_seen
    with sim.lock:
        sim.instances.pop("inst4.sim.test")
        inst = sim.instances["inst3.sim.test"]
        inst["beparams"]["maxmem"] = 8192
        sim._touch(inst)
    sim.add_instance("fresh.sim.test", "node1.sim.test")
    result = sync.sync_cluster(waiting_cluster)
    assert result.pending.dropped == ["inst4.sim.test"]
    assert result.pending.added == ["fresh.sim.test"]
    # inst3 changed, and node1 (one more instance on it)
    assert sorted(result.pending.updated) == ["inst3.sim.test", "node1.sim.test"]
    assert "inst4.sim.test" not in pending("vm") and "fresh.sim.test" in pending("vm")
    record = PendingImport.objects.get(name="inst3.sim.test")
    assert record.raw["beparams"]["maxmem"] == 8192
    assert record.first_seen == first_seen  # rewritten, not replaced
    assert VirtualMachine.objects.count() == 0


def test_a_vm_renamed_in_ganeti_stays_a_rename(imported_cluster, simulator):
    pk = VirtualMachine.objects.get(name="inst5.sim.test").pk
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances.pop("inst5.sim.test")
        inst["name"] = "renamed.sim.test"
        sim._touch(inst)
        sim.instances["renamed.sim.test"] = inst
    result = sync.sync_cluster(imported_cluster)
    assert result.virtual_machines.updated == ["renamed.sim.test"]
    assert VirtualMachine.objects.get(pk=pk).name == "renamed.sim.test"
    assert not PendingImport.objects.exists()


def test_a_vm_gone_and_back_is_not_new(imported_cluster, simulator):
    sim = simulator.cluster
    with sim.lock:
        gone = sim.instances.pop("inst4.sim.test")
    sync.sync_cluster(imported_cluster)
    assert VirtualMachine.objects.get(name="inst4.sim.test").missing
    with sim.lock:
        sim.instances["inst4.sim.test"] = gone
    result = sync.sync_cluster(imported_cluster)
    assert result.virtual_machines.updated == ["inst4.sim.test"]
    assert not VirtualMachine.objects.get(name="inst4.sim.test").missing
    assert not PendingImport.objects.exists()


def test_known_vms_still_sync_while_new_ones_wait(imported_cluster, simulator):
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances["inst3.sim.test"]
        inst["beparams"]["maxmem"] = 8192
        sim._touch(inst)
    sim.add_node("node9.sim.test")
    sim.add_instance("fresh.sim.test", "node9.sim.test")
    result = sync.sync_cluster(imported_cluster)
    assert result.virtual_machines.updated == ["inst3.sim.test"]
    assert VirtualMachine.objects.get(name="inst3.sim.test").memory == 8192
    assert pending("vm") == ["fresh.sim.test"] and pending("node") == ["node9.sim.test"]
    assert not VirtualMachine.objects.filter(name="fresh.sim.test").exists()
    assert not Node.objects.filter(name="node9.sim.test").exists()


def test_turning_auto_import_back_on_imports_and_empties_the_list(waiting_cluster):
    waiting_cluster.auto_import = True
    waiting_cluster.save(update_fields=["auto_import"])
    result = sync.sync_cluster(waiting_cluster)
    assert len(result.virtual_machines.created) == 10 and len(result.nodes.created) == 3
    assert len(result.pending.dropped) == 13
    assert not PendingImport.objects.exists()
    assert VirtualMachine.objects.get(name="inst1.sim.test").primary_node is not None


def test_a_vm_gwm_created_leaves_the_list_when_its_job_ends(waiting_cluster, simulator):
    # A VM created from GWM gets its row from the job's follow-up, auto_import or not.
    job = Job.objects.create(
        cluster=waiting_cluster,
        job_id=1,
        target_kind=Job.TargetKind.VIRTUAL_MACHINE,
        target_name="inst1.sim.test",
    )
    targets = Targets()
    targets.instances["inst1.sim.test"] = Instance.from_dict(
        simulator.cluster.instances["inst1.sim.test"]
    )
    write_targets(job, targets)
    assert VirtualMachine.objects.filter(name="inst1.sim.test").exists()
    assert "inst1.sim.test" not in pending("vm") and len(pending("vm")) == 9
