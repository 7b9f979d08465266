"""Quotas at every entry point of the action layer: what is refused, what is
reserved until the job ends, and the override of superusers and cluster admins.

The simulator's VMs (the plugin's): inst4 is stopped with 4096 MiB and 4 vCPUs,
inst5 stopped with 512 MiB and 1 vCPU, inst7 runs with 2048 MiB and 4 vCPUs.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.actions import owner as owners
from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.create import CreateVMsForm
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.imports import services as imports
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.signals import job_finished
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.quotas.models import Quota, Reservation
from ganeti_webmgr.virtual_machines import bulk
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@pytest.fixture
def cluster(synced_cluster):
    return synced_cluster


@pytest.fixture
def creator(cluster, own_vms, bob):
    """bob, who may create VMs on the cluster and owns inst4, inst5 and inst7."""
    set_permissions(cluster, bob, ["create_vm"])
    names = ["inst4.sim.test", "inst5.sim.test", "inst7.sim.test"]
    own_vms(bob, *names, grant=["power", "modify"])
    return bob


def limit(cluster, owner, **values):
    Quota.objects.update_or_create(
        cluster=cluster,
        owner_user=None if isinstance(owner, Group) else owner,
        owner_group=owner if isinstance(owner, Group) else None,
        defaults={"ram": None, "disk": None, "vcpus": None, "vms": None, **values},
    )


def create(user, cluster, wizard_data, **fields):
    data = wizard_data(owner=f"user:{user.username}", **fields)
    form = CreateVMsForm(cluster, data, user=user)
    return service.request(user, "vm.create", cluster, form=form)


def vm(name: str) -> VirtualMachine:
    return VirtualMachine.objects.select_related("cluster").get(name=f"{name}.sim.test")


def finish(job: Job) -> None:
    job_finished.send(sender=Job, job=job)


def test_a_create_beyond_the_vm_count_is_refused_and_nothing_recorded(
    creator, cluster, wizard_data
):
    limit(cluster, creator, vms=4)  # bob owns 3
    create(creator, cluster, wizard_data, name="new1.sim.test")
    jobs, entries = Job.objects.count(), Entry.objects.count()
    with pytest.raises(
        service.OverQuota, match=r"virtual machines: 1 more, with 4 in use, exceeds 4"
    ):
        create(creator, cluster, wizard_data, name="new2.sim.test")
    assert (Job.objects.count(), Entry.objects.count()) == (jobs, entries)


def test_the_reservation_holds_until_the_job_ends(creator, cluster, wizard_data):
    # bob's running VM uses 2048 MiB; 1024 MiB of room.
    limit(cluster, creator, ram=3072)
    job = create(creator, cluster, wizard_data, name="new1.sim.test", memory="1G")
    assert Reservation.objects.get(job=job).ram == 1024
    assert usage.used(cluster, creator).ram == 3072
    with pytest.raises(service.OverQuota, match="memory"):
        create(creator, cluster, wizard_data, name="new2.sim.test", memory="512M")
    finish(job)  # failed, say: the VM never came
    assert not Reservation.objects.filter(job=job).exists()
    assert usage.used(cluster, creator).ram == 2048
    create(creator, cluster, wizard_data, name="new2.sim.test", memory="512M")


def test_memory_of_a_vm_created_stopped_counts_only_when_stopped_vms_count(
    creator, cluster, wizard_data
):
    limit(cluster, creator, ram=2048)  # full with inst7
    create(creator, cluster, wizard_data, name="new1.sim.test", start=None)
    Cluster.objects.filter(pk=cluster.pk).update(quota_counts_stopped_vms=True)
    cluster.refresh_from_db()
    limit(cluster, creator, ram=None, vcpus=9)  # inst4 4 + inst5 1 + inst7 4 counted now
    with pytest.raises(service.OverQuota, match="vCPUs: 1 more, with 9 in use, exceeds 9"):
        create(creator, cluster, wizard_data, name="new2.sim.test", start=None)


def test_starting_a_stopped_vm_needs_its_memory_and_vcpus(creator, cluster):
    limit(cluster, creator, ram=4096)  # inst7 uses 2048
    with pytest.raises(
        service.OverQuota, match="memory: 4 GiB more, with 2 GiB in use, exceeds 4 GiB"
    ):
        service.request(creator, "vm.start", vm("inst4"), {})
    job = service.request(creator, "vm.start", vm("inst5"), {})
    assert Reservation.objects.get(job=job).ram == 512


def test_with_stopped_vms_counted_a_start_needs_nothing(creator, cluster):
    Cluster.objects.filter(pk=cluster.pk).update(quota_counts_stopped_vms=True)
    limit(cluster, creator, ram=1)  # over already, by a lot
    job = service.request(creator, "vm.start", vm("inst4"), {})
    assert not Reservation.objects.filter(job=job).exists()


def test_modify_counts_what_it_adds_and_a_decrease_always_passes(creator, cluster):
    limit(cluster, creator, ram=3000, disk=3000)  # inst7: 2048 MiB running; disks 2048 MiB
    target = vm("inst7")
    with pytest.raises(service.OverQuota, match="memory"):
        service.request(
            creator, "vm.modify", target, {"maxmem": "4096", "serial_no": target.serial_no}
        )
    service.request(
        creator,
        "vm.modify",
        target,
        {"maxmem": "1024", "minmem": "1024", "serial_no": target.serial_no},
    )
    with pytest.raises(service.OverQuota, match="disk"):
        service.request(creator, "vm.modify", vm("inst7"), {"add_disk": "2048"})


def test_growing_a_disk_beyond_the_disk_quota_is_refused(creator, cluster):
    limit(cluster, creator, disk=2500)  # inst4 and inst7: 1024 MiB each
    with pytest.raises(service.OverQuota, match="disk"):
        service.request(creator, "vm.grow_disk", vm("inst7"), {"disk": "0", "amount": "1024"})
    service.request(creator, "vm.grow_disk", vm("inst7"), {"disk": "0", "amount": "400"})


def test_a_reinstall_that_starts_a_stopped_vm_is_a_start(creator, cluster):
    limit(cluster, creator, ram=2048)
    with pytest.raises(service.OverQuota, match="memory"):
        service.request(
            creator,
            "vm.reinstall",
            vm("inst5"),
            {"os": "noop+default", "start": "on"},
            confirmed=True,
        )
    service.request(creator, "vm.reinstall", vm("inst5"), {"os": "noop+default"}, confirmed=True)


def test_an_owner_change_counts_against_the_new_owner(creator, cluster, alice, charlie):
    limit(cluster, charlie, vms=0)
    with pytest.raises(service.OverQuota, match="charlie"):
        owners.set_owner(alice, vm("inst7"), charlie)
    assert vm("inst7").owner_user == creator
    owners.set_owner(alice, vm("inst7"), charlie, override_quota=True)
    assert vm("inst7").owner_user == charlie
    entry = Entry.objects.filter(action="vm.owner").latest("pk")
    assert "beyond the owner's quota: overridden" in entry.message


def test_a_group_owner_has_its_own_quota(creator, cluster, wizard_data):
    team = Group.objects.create(name="team")
    creator.groups.add(team)
    limit(cluster, team, vms=1)
    data = wizard_data(owner="group:team", name="g1.sim.test")
    service.request(creator, "vm.create", cluster, form=CreateVMsForm(cluster, data, user=creator))
    data = wizard_data(owner="group:team", name="g2.sim.test")
    with pytest.raises(service.OverQuota, match="group team"):
        service.request(
            creator, "vm.create", cluster, form=CreateVMsForm(cluster, data, user=creator)
        )


def test_an_owners_own_quota_replaces_the_defaults_and_unlimited_is_explicit(
    creator, cluster, wizard_data
):
    Cluster.objects.filter(pk=cluster.pk).update(default_quota_vms=3)
    cluster.refresh_from_db()
    with pytest.raises(service.OverQuota):
        create(creator, cluster, wizard_data, name="new1.sim.test")
    limit(cluster, creator)  # a row of its own, every resource unlimited
    create(creator, cluster, wizard_data, name="new1.sim.test")
    assert usage.limits(cluster, creator).unlimited


def test_bulk_start_skips_what_does_not_fit(creator, cluster):
    limit(cluster, creator, ram=2560)  # room for inst5 (512), not inst4 (4096)
    outcomes = bulk.run(creator, [vm("inst4").pk, vm("inst5").pk], "start")
    by_name = {o.vm.name: o for o in outcomes}
    assert "Over the quota" in by_name["inst4.sim.test"].error
    assert by_name["inst5.sim.test"].job is not None


def test_only_superusers_and_cluster_admins_may_override(creator, cluster, charlie):
    limit(cluster, creator, ram=2048)
    with pytest.raises(service.OverQuota) as refused:
        service.request(creator, "vm.start", vm("inst5"), {}, override_quota=True)
    assert refused.value.may_override is False
    set_permissions(cluster, charlie, ["admin"])
    job = service.request(charlie, "vm.start", vm("inst5"), {}, override_quota=True)
    assert Reservation.objects.get(job=job).overridden
    entry = Entry.objects.get(job=job)
    assert "beyond the owner's quota: overridden" in entry.message


def test_an_import_with_an_owner_counts_against_its_quota(waiting_cluster, alice, charlie):
    limit(waiting_cluster, charlie, vms=2)
    names = list(PendingImport.objects.filter(kind="vm").values_list("name", flat=True)[:3])
    with pytest.raises(service.OverQuota, match="charlie"):
        imports.import_vms(alice, waiting_cluster, names, charlie)
    assert not VirtualMachine.objects.filter(name__in=names).exists()
    imports.import_vms(alice, waiting_cluster, names, charlie, beyond_quota=True)
    assert VirtualMachine.objects.filter(owner_user=charlie).count() == 3
    assert Entry.objects.filter(action="vm.import", message__contains="overridden").count() == 3


def test_a_multi_create_counts_every_vm_it_makes(creator, cluster, wizard_data):
    limit(cluster, creator, vms=5, ram=2048 + 3 * 512)  # bob owns 3, inst7 runs with 2048
    with pytest.raises(service.OverQuota, match="virtual machines: 3 more, with 3 in use"):
        create(creator, cluster, wizard_data, name="m{n}.sim.test", count="3", memory="512M")
    job = create(creator, cluster, wizard_data, name="m{n}.sim.test", count="2", memory="512M")
    reservation = Reservation.objects.get(job=job)
    assert (reservation.vms, reservation.ram, reservation.vcpus) == (2, 1024, 2)
