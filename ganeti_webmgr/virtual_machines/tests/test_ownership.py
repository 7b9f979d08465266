"""VM ownership: GWM's record, the Ganeti tag, adoption on import."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.actions.owner import set_owner as set_owner_as
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.virtual_machines.ownership import OwnerError, owner_tag

pytestmark = pytest.mark.django_db(transaction=True)


def set_owner(vm, owner):
    return set_owner_as(None, vm, owner)


def test_setting_an_owner_writes_the_tag_in_ganeti(simulator, make_cluster, run_worker):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    alice = User.objects.create_user("alice")
    vm = VirtualMachine.objects.get(name="inst1.sim.test")
    jobs = set_owner(vm, alice)
    assert [j.target_name for j in jobs] == ["inst1.sim.test"]
    run_worker()
    assert "gwm:owner:user:alice" in simulator.cluster.instances["inst1.sim.test"]["tags"]
    vm.refresh_from_db()
    assert vm.owner == alice and "gwm:owner:user:alice" in vm.tags


def test_a_new_owner_replaces_the_old_tag(simulator, make_cluster, run_worker):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    vm = VirtualMachine.objects.get(name="inst1.sim.test")
    set_owner(vm, User.objects.create_user("alice"))
    run_worker()
    vm.refresh_from_db()
    ops = Group.objects.create(name="ops")
    assert len(set_owner(vm, ops)) == 2  # remove the old tag, add the new one
    run_worker()
    tags = simulator.cluster.instances["inst1.sim.test"]["tags"]
    assert "gwm:owner:group:ops" in tags and "gwm:owner:user:alice" not in tags
    vm.refresh_from_db()
    assert vm.owner == ops and vm.owner_user is None


def test_an_imported_vm_adopts_the_owner_its_tag_names(simulator, make_cluster):
    bob = User.objects.create_user("bob")
    with simulator.cluster.lock:
        simulator.cluster.instances["inst2.sim.test"]["tags"].append("gwm:owner:user:bob")
        simulator.cluster.instances["inst3.sim.test"]["tags"].append("gwm:owner:user:ghost")
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    assert VirtualMachine.objects.get(name="inst2.sim.test").owner == bob
    assert VirtualMachine.objects.get(name="inst3.sim.test").owner is None  # no such user


def test_gwms_record_wins_over_a_later_foreign_tag(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    alice, bob = User.objects.create_user("alice"), User.objects.create_user("bob")
    VirtualMachine.objects.filter(name="inst2.sim.test").update(owner_user=alice)
    with simulator.cluster.lock:
        inst = simulator.cluster.instances["inst2.sim.test"]
        inst["tags"].append("gwm:owner:user:bob")
        simulator.cluster._touch(inst)
    sync.sync_cluster(cluster)
    assert VirtualMachine.objects.get(name="inst2.sim.test").owner == alice
    assert bob.owned_vms.count() == 0


def test_on_a_read_only_cluster_only_gwms_record_changes(simulator, make_cluster):
    cluster = make_cluster(simulator, read_only=True)
    sync.sync_cluster(cluster)
    vm = VirtualMachine.objects.get(name="inst1.sim.test")
    assert set_owner(vm, User.objects.create_user("alice")) == []
    assert not Job.objects.exists()
    assert not any(t.startswith("gwm:") for t in simulator.cluster.instances[vm.name]["tags"])


def test_a_name_that_cannot_be_a_tag_is_refused(db):
    with pytest.raises(OwnerError, match="cannot be a Ganeti tag"):
        owner_tag(Group(name="web team"))
