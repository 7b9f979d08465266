"""Export, replace disks, remove a disk, change a network card: asked for through the
action layer, sent by gwm-worker to the simulator, which follows Ganeti 3.0's rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.actions import service
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster(simulator, make_cluster):
    simulator.cluster.add_instance(
        "two.sim.test", "node2.sim.test", disk_template="file", disks=[1024, 2048], running=False
    )
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return cluster


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", "pw")


def vm(name: str) -> VirtualMachine:
    return VirtualMachine.objects.select_related("cluster").get(name=name)


def test_a_stopped_vm_is_exported_to_a_node(cluster, root, simulator, run_worker):
    job = service.request(
        root, "vm.export", vm("two.sim.test"), {"destination": "node3.sim.test", "shutdown": "on"}
    )
    assert job.operations == ["export two.sim.test to node3.sim.test"]
    run_worker()
    assert Job.objects.get(pk=job.pk).status == "success"
    assert "two.sim.test" in client_for(cluster).list_exports()["node3.sim.test"]


def test_export_then_delete_is_confirmed_first(cluster, root, simulator, run_worker):
    data = {"destination": "node3.sim.test", "shutdown": "on", "remove_instance": "on"}
    with pytest.raises(service.NeedsConfirmation, match="then deleted with all its disks"):
        service.request(root, "vm.export", vm("two.sim.test"), data)
    service.request(root, "vm.export", vm("two.sim.test"), data, confirmed=True)
    run_worker()
    assert "two.sim.test" not in simulator.cluster.instances


def test_a_running_file_vm_is_exported_with_a_long_sleep(cluster, root, simulator):
    running = vm("inst2.sim.test")  # file
    VirtualMachine.objects.filter(pk=running.pk).update(oper_state=True, admin_state="up")
    running.refresh_from_db()
    with pytest.raises(service.NeedsConfirmation, match="shut down for the whole export"):
        service.request(
            root, "vm.export", running, {"destination": "node1.sim.test", "shutdown": "on"}
        )


def test_drbd_disks_are_replaced_on_a_new_secondary(cluster, root, simulator, run_worker):
    drbd = vm("inst4.sim.test")
    with pytest.raises(service.Invalid, match="Choose the new secondary node"):
        service.request(root, "vm.replace_disks", drbd, {"mode": "replace_new_secondary"})
    free = next(
        n
        for n in ("node1.sim.test", "node2.sim.test", "node3.sim.test")
        if n not in (drbd.primary_node.name, drbd.secondary_node.name)
    )
    job = service.request(
        root,
        "vm.replace_disks",
        drbd,
        {"mode": "replace_new_secondary", "remote_node": free},
    )
    run_worker()
    assert Job.objects.get(pk=job.pk).status == "success"
    assert simulator.cluster.instances["inst4.sim.test"]["snodes"] == [free]
    assert vm("inst4.sim.test").secondary_node.name == free


def test_a_disk_of_a_stopped_vm_is_removed(cluster, root, simulator, run_worker):
    with pytest.raises(service.NeedsConfirmation, match=r"Disk 1 of two\.sim\.test"):
        service.request(root, "vm.remove_disk", vm("two.sim.test"), {"disk": "1"})
    service.request(root, "vm.remove_disk", vm("two.sim.test"), {"disk": "1"}, confirmed=True)
    run_worker()
    assert simulator.cluster.instances["two.sim.test"]["disk.sizes"] == [1024]
    assert vm("two.sim.test").disk_count == 1
    # Now its only disk: not offered, refused if asked.
    with pytest.raises(service.Unavailable, match="diskless for good"):
        service.request(root, "vm.remove_disk", vm("two.sim.test"), {"disk": "0"})


def test_a_network_card_is_changed(cluster, root, simulator, run_worker):
    target = vm("two.sim.test")
    with pytest.raises(service.Invalid, match="Nothing to change"):
        service.request(root, "vm.nic", target, {"nic": "0"})
    with pytest.raises(service.Invalid, match="six pairs of hex digits"):
        service.request(root, "vm.nic", target, {"nic": "0", "mac": "nonsense"})
    simulator.cluster.bridges.add("br9")
    service.request(root, "vm.nic", target, {"nic": "0", "link": "br9", "mac": "aa:00:00:12:34:56"})
    missing = service.request(root, "vm.nic", target, {"nic": "0", "link": "br7"})
    run_worker()
    instance = simulator.cluster.instances["two.sim.test"]
    assert instance["nic.links"][0] == "br9" and instance["nic.macs"][0] == "aa:00:00:12:34:56"
    assert vm("two.sim.test").nic_macs[0] == "aa:00:00:12:34:56"
    missing.refresh_from_db()
    assert missing.status == "error" and "Missing bridges br7" in missing.error_message
