"""What is offered on a VM, for every state, disk template and cluster mode, and what a
crafted request for the rest gets: refused before anything is recorded or sent."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.registry import of_kind
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

STATES = {
    "running": {"oper_state": True, "admin_state": "up", "status": "running"},
    "stopped": {"oper_state": False, "admin_state": "down", "status": "ADMIN_down"},
    "crashed": {"oper_state": False, "admin_state": "up", "status": "ERROR_down"},
    "offline": {"oper_state": False, "admin_state": "offline", "status": "ADMIN_offline"},
    "gone": {"oper_state": False, "admin_state": "down", "status": "", "missing": True},
}
TEMPLATES = ["drbd", "plain", "file", "diskless", "sharedfile", "rbd"]
SHARED = {"sharedfile", "rbd", "ext", "blockdev", "gluster"}
MOVABLE = SHARED | {"drbd", "diskless"}  # Ganeti's DTS_MIRRORED


def expected(state: str, template: str, read_only: bool) -> set[str]:
    """What Ganeti would do, written out on its own (not with the code's helpers)."""
    if read_only or state == "gone":
        return set()
    running = state == "running"
    disks = 0 if template == "diskless" else 2
    mirrored = template in MOVABLE
    offered = {"vm.modify", "vm.parameters", "vm.tags", "vm.remove", "vm.reinstall", "vm.nic"}
    if not running and state != "offline":
        offered |= {"vm.start", "vm.rename"}
    if running:
        offered |= {"vm.shutdown", "vm.reboot"}
    if mirrored:
        offered.add("vm.failover")
        if running:
            offered.add("vm.migrate")
    if disks:
        offered |= {"vm.grow_disk", "vm.export"}
    if template == "drbd":
        offered.add("vm.replace_disks")
    if disks >= 2 and state in ("stopped", "offline"):
        offered.add("vm.remove_disk")
    return offered


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", "pw")


def make_vm(state: str, template: str, read_only: bool, nodes: int = 2) -> VirtualMachine:
    cluster = Cluster.objects.create(
        slug=f"c-{state}-{template}-{int(read_only)}-{nodes}",
        hostname="127.0.0.1",
        port=1,  # nothing listens: anything sent would fail at once
        read_only=read_only,
    )
    for number in range(1, nodes + 1):
        cluster.nodes.create(name=f"node{number}.example.org")
    return VirtualMachine.objects.create(
        primary_node=cluster.nodes.get(name="node1.example.org"),
        cluster=cluster,
        name="vm1.example.org",
        disk_template=template,
        disk_count=0 if template == "diskless" else 2,
        disk_size=0 if template == "diskless" else 2048,
        nic_macs=["aa:00:00:00:00:01"],
        memory=512,
        minmem=512,
        vcpus=1,
        **STATES[state],
    )


CASES = list(itertools.product(STATES, TEMPLATES, [False, True]))


@pytest.mark.parametrize(("state", "template", "read_only"), CASES)
def test_the_page_offers_only_what_ganeti_would_do(root, state, template, read_only):
    vm = make_vm(state, template, read_only)
    offered = {action.name for action in service.available(root, vm)}
    assert offered == expected(state, template, read_only)


@pytest.mark.parametrize(("state", "template", "read_only"), CASES)
def test_a_crafted_request_for_the_rest_is_refused(root, state, template, read_only):
    vm = make_vm(state, template, read_only)
    refused = {a.name for a in of_kind("vm")} - expected(state, template, read_only)
    for name in refused:
        with pytest.raises(PermissionDenied if read_only else service.Unavailable):
            service.request(root, name, vm, {"confirm_name": vm.name}, confirmed=True)
    assert not Job.objects.exists()


def test_the_refusal_says_why(root):
    vm = make_vm("running", "file", False)
    with pytest.raises(service.Unavailable) as refused:
        service.request(root, "vm.migrate", vm, {})
    assert str(refused.value) == (
        "Migrate: not now, its disk template (file) has no second copy and no shared storage."
    )
    with pytest.raises(service.Unavailable, match="Ganeti renames only stopped VMs"):
        service.request(root, "vm.rename", vm, {"new_name": "vm2.example.org"})
    stopped = make_vm("stopped", "drbd", False)
    with pytest.raises(service.Unavailable, match=r"Shut down: not now, it is not running\."):
        service.request(root, "vm.shutdown", stopped, {})


def test_on_one_node_nothing_moves_but_drbd_would_say_why(root):
    for template in ("rbd", "diskless"):
        vm = make_vm("running", template, False, nodes=1)
        with pytest.raises(service.Unavailable, match="there is no other node to move it to"):
            service.request(root, "vm.migrate", vm, {})


def test_shared_storage_needs_a_target_node_unless_an_allocator_chooses(root):
    vm = make_vm("running", "rbd", False)
    with pytest.raises(service.Invalid) as invalid:
        service.request(root, "vm.migrate", vm, {})
    assert "To node" in str(invalid.value)
    job = service.request(root, "vm.migrate", vm, {"target_node": "node2.example.org"})
    assert job.params == {"target_node": "node2.example.org"}
    with pytest.raises(service.Invalid, match="Select a valid choice"):
        service.request(root, "vm.migrate", vm, {"target_node": "node1.example.org"})
    Cluster.objects.filter(pk=vm.cluster_id).update(info={"default_iallocator": "hail"})
    vm = VirtualMachine.objects.select_related("cluster").get(pk=vm.pk)
    job = service.request(root, "vm.failover", vm, {}, confirmed=True)
    assert job.params == {}  # Ganeti's allocator chooses
    drbd = make_vm("running", "drbd", False)  # goes to its secondary node
    forms = {a.name: a.form(drbd, user=root) for a in service.available(root, drbd)}
    assert "target_node" not in forms["vm.migrate"].fields
    assert "target_node" not in forms["vm.failover"].fields
