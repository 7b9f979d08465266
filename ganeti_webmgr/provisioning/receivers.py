"""When a creation job ends: give the new VM its owner, and the owner admin on it.

A multi-allocation job only places the VMs; Ganeti then runs one creation job
per VM. Those are recorded here so gwm-worker follows them like any other.
"""

from __future__ import annotations

from django.dispatch import receiver

from ganeti_webmgr import audit
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.signals import job_finished
from ganeti_webmgr.permissions.grants import add_permission
from ganeti_webmgr.provisioning.models import CreationRequest
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@receiver(job_finished, dispatch_uid="provisioning-creation")
def creation_finished(sender, job: Job, **kwargs) -> None:
    request = CreationRequest.objects.filter(jobs=job).first()
    if request is None or job.status != Job.Status.SUCCESS:
        return
    if job.target_kind == Job.TargetKind.CLUSTER:  # the multi-allocation
        _record_children(request, job)
        return
    vm = VirtualMachine.objects.filter(cluster=job.cluster_id, name=job.target_name).first()
    owner = request.owner
    if vm is None or owner is None:
        return  # Ganeti says done but GWM cannot see it yet: the next sync brings it
    with audit.change(
        "permission.grant",
        actor=request.requested_by,
        targets=[vm, vm.cluster],
        job=job,
        message=f"{owner} owns the new VM {vm.name} and was given admin on it",
    ):
        if vm.owner is None:
            VirtualMachine.objects.filter(pk=vm.pk).update(
                owner_user=request.owner_user, owner_group=request.owner_group
            )
        add_permission(vm, owner, "admin")


def _record_children(request: CreationRequest, job: Job) -> None:
    result = job.opresult[0] if job.opresult and isinstance(job.opresult[0], dict) else {}
    names = result.get("allocatable") or []
    for name, (ok, job_id) in zip(names, result.get("jobs") or [], strict=False):
        if not ok:
            continue
        child, _ = Job.objects.get_or_create(
            cluster_id=job.cluster_id,
            job_id=job_id,
            defaults={
                "target_kind": Job.TargetKind.VIRTUAL_MACHINE,
                "target_name": name,
                "requested_by": request.requested_by,
                "operations": [f"create {name}"],
            },
        )
        request.jobs.add(child)
