"""What an action's success changes in GWM beyond what the follower refreshes."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.signals import job_finished
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@receiver(job_finished, dispatch_uid="actions-vm-removed")
def vm_removed(sender, job: Job, **kwargs) -> None:
    """A VM deleted from GWM leaves the lists; its row stays for its log. Gone from
    Ganeti (the job's refresh marked it missing), it counts for nobody already: the
    owner's holding has not changed."""
    if job.action != "vm.remove" or job.status != Job.Status.SUCCESS:
        return
    VirtualMachine.objects.filter(
        cluster_id=job.cluster_id, name=job.target_name, missing=True, removed_at=None
    ).update(removed_at=timezone.now())
