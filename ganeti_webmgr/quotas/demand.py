"""What an action asks of its owner's quota: (owner, Amount) from the target and
the action's recorded params. Only what it adds is counted; what it frees (a
smaller memory, a stop) shows in the synced state once Ganeti has done it."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.quotas.usage import Amount
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.virtual_machines.ownership import owner_from_tags

Demand = tuple[User | Group | None, Amount]


def create(cluster: Cluster, params: dict) -> Demand:
    allocation = params["allocation"]
    count = len(params["names"])
    beparams = allocation.get("beparams") or {}
    active = allocation.get("start", True) or cluster.quota_counts_stopped_vms
    disk = sum(d.get("size") or 0 for d in allocation.get("disks") or [])
    amount = Amount(
        ram=count * (beparams.get("maxmem") or 0) if active else 0,
        disk=count * disk,
        vcpus=count * (beparams.get("vcpus") or 0) if active else 0,
        vms=count,
    )
    return owner_from_tags(allocation.get("tags") or []), amount


def _starts(vm: VirtualMachine) -> Amount:
    if vm.oper_state or vm.cluster.quota_counts_stopped_vms:
        return Amount()  # counted already
    return Amount(ram=vm.memory or 0, vcpus=vm.vcpus or 0)


def start(vm: VirtualMachine, params: dict) -> Demand:
    return vm.owner, _starts(vm)


def reinstall(vm: VirtualMachine, params: dict) -> Demand:
    return vm.owner, _starts(vm) if params.get("start") else Amount()


def modify(vm: VirtualMachine, params: dict) -> Demand:
    active = vm.oper_state or vm.cluster.quota_counts_stopped_vms
    ram = params.get("maxmem", vm.memory or 0) - (vm.memory or 0)
    vcpus = params.get("vcpus", vm.vcpus or 0) - (vm.vcpus or 0)
    amount = Amount(
        ram=ram if active else 0,
        vcpus=vcpus if active else 0,
        disk=params.get("add_disk") or 0,
    )
    return vm.owner, amount.positive()


def grow_disk(vm: VirtualMachine, params: dict) -> Demand:
    return vm.owner, Amount(disk=params.get("amount") or 0)
