"""Each owner's Holding (what the quota check reads) equals the sums over its VMs taken
one by one, after every kind of write: syncs (owners adopted from tags, VMs started,
stopped, resized, gone from Ganeti and back), a job's refresh of its targets, owner
changes, a deletion from GWM, forgetting a VM gone from Ganeti, imports, an owner
deleted; and, for the rows there were before holdings, after the migration that added
them. On every database the suite runs on (tests/suites.py)."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ganeti_webmgr.actions import owner as owners
from ganeti_webmgr.actions import service
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.imports import services as imports
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.inventory.job_targets import fetch_targets, write_targets
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import Holding, VirtualMachine

pytestmark = pytest.mark.django_db(transaction=True)
# Per owner: memory and vCPUs of running VMs, memory and vCPUs of all, disk, VMs.
COLUMNS = ("ram_running", "vcpus_running", "ram_all", "vcpus_all", "disk_all", "vms_all")


def by_hand(cluster) -> dict:
    """(kind, pk) -> the six sums, VM by VM, as quotas count: not deleted, not gone."""
    sums: dict = {}
    for vm in VirtualMachine.objects.filter(cluster=cluster):
        if vm.removed_at is not None or vm.missing or vm.owner is None:
            continue
        key = ("group", vm.owner_group_id) if vm.owner_group_id else ("user", vm.owner_user_id)
        ram, cpus = vm.memory or 0, vm.vcpus or 0
        running = (ram, cpus) if vm.oper_state else (0, 0)
        adds = (*running, ram, cpus, vm.disk_size, 1)
        sums[key] = tuple(a + b for a, b in zip(sums.get(key, (0,) * 6), adds, strict=True))
    return sums


def held(cluster) -> dict:
    return {
        ("group", h.owner_group_id) if h.owner_group_id else ("user", h.owner_user_id): tuple(
            getattr(h, c) for c in COLUMNS
        )
        for h in Holding.objects.filter(cluster=cluster)
    }


def kept(cluster) -> dict:
    """Assert the holdings are the sums VM by VM (and no owner without VMs has one)."""
    expected = by_hand(cluster)
    assert held(cluster) == expected
    return expected


def tag(simulator, names: list[str], value: str) -> None:
    sim = simulator.cluster
    with sim.lock:
        for name in names:
            inst = sim.instances[name]
            inst["tags"].append(value)
            sim._touch(inst)


@pytest.fixture
def team(db):
    return Group.objects.create(name="team")


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def owned(simulator, synced_cluster, bob, team):
    """bob's tag on inst1-inst4, team's on inst5 and inst6, synced: owners adopted."""
    tag(simulator, [f"inst{n}.sim.test" for n in (1, 2, 3, 4)], "gwm:owner:user:bob")
    tag(simulator, ["inst5.sim.test", "inst6.sim.test"], "gwm:owner:group:team")
    sync.sync_cluster(synced_cluster)
    return synced_cluster


def test_syncs_keep_the_holdings(simulator, owned, bob, team):
    cluster = owned
    sums = kept(cluster)
    assert sums[("user", bob.pk)][5] == 4 and sums[("group", team.pk)][5] == 2
    sim = simulator.cluster
    with sim.lock:
        for name in ("inst1.sim.test", "inst5.sim.test"):  # started or stopped
            sim._set_running(sim.instances[name], not sim.instances[name]["oper_state"])
        resized = sim.instances["inst2.sim.test"]
        resized["beparams"]["maxmem"] += 1024
        resized["beparams"]["vcpus"] += 2
        sim._touch(resized)
    sync.sync_cluster(cluster)
    assert kept(cluster) != sums
    with sim.lock:
        gone = sim.instances.pop("inst3.sim.test")
    sync.sync_cluster(cluster)
    assert kept(cluster)[("user", bob.pk)][5] == 3
    with sim.lock:
        sim.instances["inst3.sim.test"] = gone
    sync.sync_cluster(cluster)
    assert kept(cluster)[("user", bob.pk)][5] == 4
    # A new VM with an owner's tag, and a sync with nothing to write.
    sim.add_instance("fresh.sim.test", "node1.sim.test", memory=2048, tags=["gwm:owner:user:bob"])
    sync.sync_cluster(cluster)
    assert kept(cluster)[("user", bob.pk)][5] == 5
    assert sync.sync_cluster(cluster).virtual_machines.written == 0
    kept(cluster)


def test_a_jobs_refresh_keeps_the_holdings(simulator, owned, bob):
    cluster = owned
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances["inst4.sim.test"]
        inst["beparams"]["maxmem"] += 512
        sim._touch(inst)
        sim._set_running(inst, True)
    job = Job.objects.create(
        cluster=cluster,
        status=Job.Status.SUCCESS,
        target_kind=Job.TargetKind.VIRTUAL_MACHINE,
        target_name="inst4.sim.test",
    )
    before = kept(cluster)
    with transaction.atomic():  # as the follower's end of a job
        write_targets(job, fetch_targets(job, client_for(cluster)))
    assert kept(cluster) != before


def test_owner_changes_keep_the_holdings(owned, bob, team, charlie):
    cluster = owned
    vm = VirtualMachine.objects.select_related("cluster").get(name="inst1.sim.test")
    owners.set_owner(None, vm, team)  # a user's VM to a group
    assert kept(cluster)[("group", team.pk)][5] == 3
    owners.set_owner(None, vm, charlie)  # to a user who had none
    assert kept(cluster)[("user", charlie.pk)][5] == 1
    owners.set_owner(None, vm, None)  # to nobody: charlie's holding goes
    assert ("user", charlie.pk) not in kept(cluster)
    # The stored owner counts, not a stale one in memory.
    stale = VirtualMachine.objects.select_related("cluster").get(name="inst2.sim.test")
    owners.set_owner(None, VirtualMachine.objects.get(pk=stale.pk), team)
    owners.set_owner(None, stale, charlie)
    assert kept(cluster)[("user", charlie.pk)][5] == 1


def test_a_deletion_and_forgetting_keep_the_holdings(simulator, owned, bob, root, run_worker):
    cluster = owned
    vm = VirtualMachine.objects.select_related("cluster").get(name="inst2.sim.test")
    service.request(root, "vm.remove", vm, {"confirm_name": vm.name}, confirmed=True)
    run_worker()
    vm.refresh_from_db()
    assert vm.removed_at is not None
    assert kept(cluster)[("user", bob.pk)][5] == 3
    with simulator.cluster.lock:
        simulator.cluster.instances.pop("inst3.sim.test")
    sync.sync_cluster(cluster)
    assert imports.forget_vms(root, cluster, ["inst3.sim.test"]) == ["inst3.sim.test"]
    assert kept(cluster)[("user", bob.pk)][5] == 2


def test_imports_keep_the_holdings(simulator, waiting_cluster, bob, team, root):
    cluster = waiting_cluster
    tag(simulator, ["inst3.sim.test"], "gwm:owner:group:team")
    sync.sync_cluster(cluster)
    imports.import_vms(root, cluster, ["inst1.sim.test", "inst2.sim.test"], bob)
    assert kept(cluster)[("user", bob.pk)][5] == 2
    imports.import_vms(root, cluster, ["inst3.sim.test", "inst4.sim.test"], imports.FROM_TAG)
    assert kept(cluster) == {
        ("user", bob.pk): by_hand(cluster)[("user", bob.pk)],
        ("group", team.pk): by_hand(cluster)[("group", team.pk)],
    }
    assert by_hand(cluster)[("group", team.pk)][5] == 1  # inst4 has no tag: nobody's


def test_an_owner_deleted_takes_its_holdings(owned, bob, team):
    cluster = owned
    bob.delete()  # its VMs are nobody's now
    team.delete()
    assert kept(cluster) == {}


def test_a_full_refresh_repairs_what_was_written_around_it(owned, bob, charlie):
    cluster = owned
    VirtualMachine.objects.filter(cluster=cluster, owner_user=bob).update(owner_user=charlie)
    assert held(cluster) != by_hand(cluster)
    holdings.refresh(cluster)
    assert kept(cluster)[("user", charlie.pk)][5] == 4


def test_the_migration_fills_the_holdings_of_the_rows_there_are(bob, team):
    executor = MigrationExecutor(connection)
    before = [("virtual_machines", "0009_scope_index_with_id")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        vms = executor.loader.project_state(before).apps.get_model(
            "virtual_machines", "VirtualMachine"
        )
        cluster = Cluster.objects.create(slug="old", hostname="h")
        rows = [
            {"owner_user_id": bob.pk, "oper_state": True, "memory": 1024, "vcpus": 2},
            {"owner_user_id": bob.pk, "memory": 512, "vcpus": 1, "disk_size": 2048},
            {"owner_user_id": bob.pk, "memory": 256, "missing": True},
            {"owner_group_id": team.pk, "oper_state": True, "memory": None, "vcpus": 4},
            {"memory": 4096},  # nobody's
        ]
        for n, fields in enumerate(rows):
            vms.objects.create(cluster_id=cluster.pk, name=f"vm{n}", **fields)
        MigrationExecutor(connection).migrate(latest)
        assert kept(cluster) == {
            ("user", bob.pk): (1024, 2, 1536, 3, 2048, 2),
            ("group", team.pk): (0, 4, 0, 4, 0, 1),
        }
    finally:
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.parametrize("first_holds", ["the lock", "a VM row only"])
def test_two_writers_of_one_owners_vms_at_once_both_count(owned, bob, first_holds):
    """The first writer sums and keeps its transaction open (or writes its VM and sums
    later); the second's sums, however they interleave, end with both changes."""
    cluster = owned
    one, other = VirtualMachine.objects.filter(owner_user=bob).order_by("name")[:2]
    errors: list[BaseException] = []

    def write(vm, memory, pause_before, pause_after):
        try:
            with transaction.atomic():
                VirtualMachine.objects.filter(pk=vm.pk).update(memory=memory, oper_state=True)
                time.sleep(pause_before)
                holdings.refresh(cluster, [bob])
                time.sleep(pause_after)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    pauses = (0, 0.6) if first_holds == "the lock" else (0.6, 0)
    first = threading.Thread(target=write, args=(one, 10_000, *pauses))
    second = threading.Thread(target=write, args=(other, 20_000, 0, 0))
    first.start()
    time.sleep(0.2)
    second.start()
    for thread in (first, second):
        thread.join(timeout=60)
    assert errors == []
    assert kept(cluster)[("user", bob.pk)][0] >= 30_000
