"""Entries about a Ganeti job learn how it ended."""

from __future__ import annotations

from ganeti_webmgr.audit.api import job_error_text
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job


def job_finished(job: Job) -> int:
    """Copy the job's final status and error onto the entries linked to it.

    Called by the worker when it records the job's end (jobs.follow._finish), in the
    same transaction. Returns how many entries were updated.
    """
    return Entry.objects.filter(job=job).update(
        job_status=job.status, job_error=job_error_text(job)
    )
