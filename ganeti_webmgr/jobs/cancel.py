"""Asking Ganeti to cancel a job: GWM records the wish (with its audit entry), and
gwm-worker sends it, so no request waits on the cluster. The job page's button and
the API's cancel both ask here."""

from __future__ import annotations

from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.jobs.models import Job


def ask(job: Job, request) -> bool:
    """Record that cancelling job is wanted; False (and nothing recorded) when it had
    ended or was asked already, meanwhile too."""
    with audit.change(
        "job.cancel",
        request=request,
        targets=[job.cluster, *([job.virtual_machine] if job.virtual_machine else [])],
        job=job,
        message=f"cancel requested for job {job.job_id}",
    ) as entry:
        asked = Job.objects.filter(
            pk=job.pk, finished=False, cancel_requested_at__isnull=True
        ).update(cancel_requested_at=timezone.now())
        if not asked:
            entry.skip()
    return bool(asked)
