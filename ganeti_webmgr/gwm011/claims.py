"""Giving VMs the owner and grants GWM 0.11 had on them, once GWM has their rows.

Applied by the import for VMs GWM has already, and by every sync of the cluster
(receivers.py) for the VMs it brought in. The owner goes through the owner change
of the VM page (actions.owner.set_owner: GWM's record, the holdings, the owner tag
in Ganeti); each applied claim is audited in the same transaction.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.actions import owner as owners
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.logs import shorten
from ganeti_webmgr.gwm011.models import VMClaim
from ganeti_webmgr.permissions import grants
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.virtual_machines.ownership import OwnerError

logger = logging.getLogger(__name__)


def waiting(cluster: Cluster):
    return VMClaim.objects.filter(cluster=cluster, applied_at=None)


def unmatched():
    """Waiting claims of clusters GWM has synced: their VMs were not in Ganeti then
    (a sync writes the cluster's Ganeti name, and applies the claims it can)."""
    return (
        VMClaim.objects.filter(applied_at=None)
        .exclude(cluster__ganeti_name="")
        .select_related("cluster")
        .order_by("cluster__slug", "vm_name")
    )


def apply_waiting(cluster: Cluster) -> int:
    """Apply the cluster's waiting claims whose VMs have rows now; returns how many."""
    claims = list(waiting(cluster).select_related("owner_user", "owner_group"))
    if not claims:
        return 0
    vms = {
        vm.name: vm
        for vm in VirtualMachine.objects.filter(
            cluster=cluster, name__in=[c.vm_name for c in claims], removed_at=None
        ).select_related("cluster", "owner_user", "owner_group")
    }
    applied = 0
    for claim in claims:
        if (vm := vms.get(claim.vm_name)) is None:
            continue
        try:
            apply(claim, vm)
        except Exception as error:
            # Inside the sync's transaction: one claim that cannot be applied must not
            # stop the cluster's syncs. It waits, with the reason, for the next one.
            logger.exception("gwm011: the claim on %s could not be applied", vm.name)
            problem = f"could not be applied: {shorten(str(error), 200)}"
            VMClaim.objects.filter(pk=claim.pk).update(problem=problem)
            continue
        applied += 1
    return applied


def apply(claim: VMClaim, vm: VirtualMachine) -> None:
    """Give vm the claim's owner (unless GWM gave it another already) and grants."""
    with transaction.atomic():
        problem = _apply_owner(claim, vm)
        for kind, pk, codes in claim.grants:
            holder = (Group if kind == "group" else User).objects.filter(pk=pk).first()
            if holder is not None:
                _grant(vm, holder, codes)
        claim.applied_at, claim.problem = timezone.now(), problem
        claim.save(update_fields=["applied_at", "problem"])


def _apply_owner(claim: VMClaim, vm: VirtualMachine) -> str:
    owner = claim.owner
    if owner is None or vm.owner == owner:
        return ""
    if vm.owner is not None:
        # GWM's own record wins (set in GWM, or from the VM's owner tag).
        return f"owned by {vm.owner} in GWM; 0.11's owner {owner} was not applied"
    jobs, note = [], ""
    try:
        # Quotas count what the VM uses; 0.11's owners keep their VMs beyond them.
        jobs = owners.set_owner(None, vm, owner, audit_action=None, override_quota=True)
    except OwnerError as error:
        # The owner's name cannot be a Ganeti tag: GWM's record alone, as 0.11 had it.
        VirtualMachine.objects.filter(pk=vm.pk).update(
            owner_user=owner if isinstance(owner, User) else None,
            owner_group=owner if isinstance(owner, Group) else None,
        )
        holdings.refresh(vm.cluster_id, [owner])
        note = f" (no owner tag in Ganeti: {error})"
    audit.record(
        "legacy.import",
        targets=[vm, vm.cluster],
        job=jobs[-1] if jobs else None,
        message=f"imported from GWM 0.11: owner of {vm.name}: {owner}{note}",
    )
    return ""


def _grant(vm: VirtualMachine, holder, codes: list[str]) -> None:
    held = set(dict(grants.holders(vm)).get(holder, []))
    new = [code for code in codes if code not in held]
    if not new:
        return
    for code in new:
        grants.add_permission(vm, holder, code)
    audit.record(
        "legacy.import",
        targets=[vm, vm.cluster, holder],
        message=f"imported from GWM 0.11: {', '.join(new)} on VM {vm.name} for {holder}",
    )
