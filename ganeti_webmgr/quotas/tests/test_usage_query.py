"""usage.used(), the query the check before each create runs, against the same
sums taken VM by VM: every counting rule, for a user and for a group."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.quotas.models import Reservation
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def by_hand(cluster, owner, excluding=None) -> usage.Amount:
    total = usage.Amount()
    field = "owner_group" if isinstance(owner, Group) else "owner_user"
    for vm in VirtualMachine.objects.filter(cluster=cluster, **{field: owner}):
        if vm == excluding or vm.removed_at is not None or vm.missing:
            continue
        active = vm.oper_state or cluster.quota_counts_stopped_vms
        total += usage.Amount(
            ram=(vm.memory or 0) if active else 0,
            disk=vm.disk_size or 0,
            vcpus=(vm.vcpus or 0) if active else 0,
            vms=1,
        )
    for held in Reservation.objects.filter(cluster=cluster, **{field: owner}):
        total += usage.Amount(ram=held.ram, disk=held.disk, vcpus=held.vcpus, vms=held.vms)
    return total


@pytest.fixture
def owners(synced_cluster, bob):
    """bob owns half the VMs, group ops the others; one of each is removed from GWM,
    one gone from Ganeti; each has a reservation."""
    ops = Group.objects.create(name="ops")
    vms = list(VirtualMachine.objects.filter(cluster=synced_cluster).order_by("pk"))
    assert len(vms) >= 8
    for index, vm in enumerate(vms):
        owner = {"owner_user": bob} if index % 2 else {"owner_group": ops}
        VirtualMachine.objects.filter(pk=vm.pk).update(**owner)
    VirtualMachine.objects.filter(pk__in=[vms[0].pk, vms[1].pk]).update(removed_at=timezone.now())
    VirtualMachine.objects.filter(pk__in=[vms[2].pk, vms[3].pk]).update(missing=True)
    holdings.refresh(synced_cluster)
    for owner in ({"owner_user": bob}, {"owner_group": ops}):
        job = Job.objects.create(cluster=synced_cluster, status="submitting")
        Reservation.objects.create(
            cluster=synced_cluster, job=job, ram=300, disk=700, vcpus=3, vms=1, **owner
        )
    return bob, ops, vms


@pytest.mark.parametrize("counts_stopped", [False, True])
def test_used_is_the_sum_vm_by_vm(synced_cluster, owners, counts_stopped):
    synced_cluster.quota_counts_stopped_vms = counts_stopped
    synced_cluster.save(update_fields=["quota_counts_stopped_vms"])
    bob, ops, vms = owners
    for owner in (bob, ops):
        expected = by_hand(synced_cluster, owner)
        assert expected.vms > 1 and expected.ram > 0
        assert usage.used(synced_cluster, owner) == expected
    stopped_or_not = vms[5]
    assert usage.used(synced_cluster, bob, excluding=stopped_or_not) == by_hand(
        synced_cluster, bob, excluding=stopped_or_not
    )


def test_an_owner_with_nothing_uses_nothing(synced_cluster, charlie):
    assert usage.used(synced_cluster, charlie) == usage.Amount()
