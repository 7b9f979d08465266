"""A VM's owner: GWM's record, and the owner tag in Ganeti, changed together.

The owner is written, the tag jobs are recorded (gwm-worker submits them) and the
audit entry is written in one transaction. On a read-only cluster only GWM's record
changes.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from ganeti_webmgr import audit
from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import may_give_to, may_override_quota
from ganeti_webmgr.quotas import reserve as quota
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.virtual_machines.ownership import (
    PREFIX,
    OwnerError,
    no_such_owner,
    owner_label,
    owner_tag,
)


def set_owner(
    user,
    vm: VirtualMachine,
    owner: User | Group | None,
    *,
    request=None,
    audit_action: str | None = "vm.owner",
    override_quota: bool = False,
) -> list[Job]:
    """Give vm to owner; returns the tag jobs. OwnerError if its name cannot be a tag,
    or if user may not give vm to owner (worded as for an owner that does not exist);
    service.OverQuota if the new owner's quota has no room for it.

    user None: GWM itself, not a person (no rule to ask).
    audit_action None: the caller writes its own entry (and links the last job).
    """
    if user is not None and not may_give_to(user, vm, owner):
        raise OwnerError(no_such_owner(owner_label(owner)))
    new_tag = owner_tag(owner) if owner is not None else None
    old_tags = [t for t in vm.tags if t.startswith(PREFIX) and t != new_tag]
    tags = ACTIONS["vm.tags"]
    jobs = []
    overridden = False
    with transaction.atomic():
        if owner is not None and owner != vm.owner:
            overridden = _check_quota(user, vm, owner, override_quota)
        row = VirtualMachine.objects.select_for_update().filter(pk=vm.pk)
        previous = list(row.values_list("owner_user_id", "owner_group_id"))  # as stored
        vm.owner_user = owner if isinstance(owner, User) else None
        vm.owner_group = owner if isinstance(owner, Group) else None
        row.update(owner_user=vm.owner_user, owner_group=vm.owner_group)
        holdings.refresh(vm.cluster_id, [*previous, owner])
        if not vm.cluster.read_only:
            if old_tags:
                jobs.append(service.record(user, tags, vm, {"remove": old_tags}, audited=False))
            if new_tag and new_tag not in vm.tags:
                jobs.append(service.record(user, tags, vm, {"add": [new_tag]}, audited=False))
        if audit_action:
            audit.record(
                audit_action,
                actor=user,
                request=request,
                targets=[vm, vm.cluster],
                job=jobs[-1] if jobs else None,
                message=f"owner of {vm.name}: {owner or 'nobody'}"
                + (" (beyond the owner's quota: overridden)" if overridden else ""),
            )
    return jobs


def _check_quota(user, vm: VirtualMachine, owner, override: bool) -> bool:
    # GWM itself (no user) may keep an owner beyond its quota when the caller says so.
    may_override = user is None or may_override_quota(user, vm.cluster)
    try:
        return quota.check(
            vm.cluster, owner, usage.of_vm(vm), excluding=vm, override=override and may_override
        )
    except quota.OverQuota as over:
        raise service.OverQuota(str(over), may_override) from None
