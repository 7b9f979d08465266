"""A job's reservation ends with the job: by then the synced state has what it did
(its targets were refreshed in the same transaction), or it did nothing."""

from __future__ import annotations

from django.dispatch import receiver

from ganeti_webmgr.jobs.signals import job_finished
from ganeti_webmgr.quotas.models import Reservation


@receiver(job_finished, dispatch_uid="quotas-release")
def release(sender, job, **kwargs) -> None:
    Reservation.objects.filter(job=job).delete()
