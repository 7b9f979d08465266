"""Record a Ganeti job GWM just started: its row (gwm-worker follows it) and its audit entry."""

from __future__ import annotations

from django.db import transaction

from ganeti_webmgr import audit
from ganeti_webmgr.jobs.models import Job


def record_started(
    cluster,
    job_id: int,
    *,
    user,
    audit_action: str,
    description: str,
    request=None,
    vm=None,
    node=None,
    new_vm_name: str = "",
) -> Job:
    """One transaction, so a job is never followed without its audit entry, or the reverse.

    new_vm_name: the VM a creation job makes (no row yet; the follower links it).
    """
    if vm is not None:
        kind, name, targets = Job.TargetKind.VIRTUAL_MACHINE, vm.name, [vm, cluster]
    elif new_vm_name:
        kind, name, targets = Job.TargetKind.VIRTUAL_MACHINE, new_vm_name, [cluster]
    elif node is not None:
        kind, name, targets = Job.TargetKind.NODE, node.name, [node, cluster]
    else:
        kind, name, targets = Job.TargetKind.CLUSTER, "", [cluster]
    with transaction.atomic():
        job = Job.objects.create(
            cluster=cluster,
            job_id=job_id,
            virtual_machine=vm,
            node=node,
            target_kind=kind,
            target_name=name,
            requested_by=user,
            operations=[description],
        )
        audit.record(
            audit_action, actor=user, request=request, targets=targets, job=job, message=description
        )
    return job
