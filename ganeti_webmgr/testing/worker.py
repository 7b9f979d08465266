"""gwm-worker's work, run in the test process until nothing is left to do."""

from __future__ import annotations

from ganeti_webmgr.worker.loop import Worker


def run_once(rounds: int = 3) -> None:
    for _ in range(rounds):
        _submit_requests()
        Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=4, tick=0.05).run(
            once=True, handle_signals=False
        )


def _submit_requests() -> None:
    # Until gwm-worker submits requests itself: what it will do on success.
    from ganeti_webmgr import audit
    from ganeti_webmgr.actions.base import NotSubmitted
    from ganeti_webmgr.actions.submission import send
    from ganeti_webmgr.clusters.rapi import client_for
    from ganeti_webmgr.ganeti import RapiError
    from ganeti_webmgr.jobs.models import Job

    for job in Job.objects.filter(status=Job.Status.SUBMITTING).select_related("cluster"):
        try:
            job.job_id = send(job, client_for(job.cluster))
        except (RapiError, NotSubmitted) as error:
            job.status, job.finished = Job.Status.NOT_STARTED, True
            message = getattr(error, "message", None) or str(error)
            job.error_message = (
                message if isinstance(error, NotSubmitted) else (f"Ganeti refused: {message}")
            )
            job.save(update_fields=["status", "finished", "error_message"])
            audit.job_finished(job)
            continue
        job.status = Job.Status.QUEUED
        job.save(update_fields=["job_id", "status"])
