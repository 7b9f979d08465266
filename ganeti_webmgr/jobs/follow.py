"""Follow a Ganeti job started from GWM: record its progress, and on its end refresh
what it changed, so pages show the result as soon as Ganeti is done."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.db import atomic_with_retry
from ganeti_webmgr.ganeti import Job as RapiJob
from ganeti_webmgr.ganeti import RapiClient, RapiPermissionDenied
from ganeti_webmgr.inventory.job_targets import Targets, fetch_settled_targets, write_targets
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.signals import job_finished

logger = logging.getLogger(__name__)


def step(job: Job, client: RapiClient) -> bool:
    """Wait (long poll, at most ~10 s) for the job to change, then record it.

    Returns True once the job has ended and its targets were refreshed.
    """
    if job.status not in Job.FINAL:
        # A read-only RAPI user may not wait; the GET below still works for it.
        with contextlib.suppress(RapiPermissionDenied):
            client.wait_for_job_change(
                job.job_id,
                ["status"],
                previous_job_info=[job.status],
                previous_log_serial=job.log[-1][0] if job.log else None,
            )
    ganeti_job = client.get_job(job.job_id)
    record(job, ganeti_job)
    if ganeti_job.finished:
        finish(job, client)
        return True
    return False


def finish(job: Job, client: RapiClient) -> None:
    """Refresh what the ended job changed, then record its end (its status is recorded)."""
    targets = fetch_settled_targets(job, client)
    atomic_with_retry(lambda: _finish(job, targets))


def _finish(job: Job, targets: Targets) -> None:
    # Capacity and counts changed too: sync the cluster now rather than later. First,
    # so concurrent finishes queue on the cluster row: rows inserted below share-lock
    # it (foreign keys), and two of them both upgrading to this write deadlock on InnoDB.
    Cluster.objects.filter(pk=job.cluster_id).update(next_sync_at=timezone.now())
    write_targets(job, targets)
    job.finished, job.finished_at = True, timezone.now()
    Job.objects.filter(pk=job.pk).update(finished=True, finished_at=job.finished_at)
    audit.job_finished(job)
    job_finished.send(sender=Job, job=job)


def record(job: Job, ganeti_job: RapiJob) -> None:
    if job.followed_at is None:
        job.followed_at = timezone.now()
    job.status = ganeti_job.status
    job.operations = ganeti_job.summary
    job.opresult = ganeti_job.opresult
    job.log = [[e.serial, e.timestamp, e.kind, e.message] for e in ganeti_job.log]
    job.received_at = _time(ganeti_job.received_at)
    job.started_at = _time(ganeti_job.started_at)
    job.ended_at = _time(ganeti_job.ended_at)
    error = ganeti_job.error
    if error:
        job.error_class, job.error_message = error.error_class, error.message
        job.error_code = error.code or ""
    job.save(
        update_fields=[
            "status",
            "operations",
            "opresult",
            "log",
            "received_at",
            "started_at",
            "ended_at",
            "error_class",
            "error_message",
            "error_code",
            "followed_at",
            "updated_at",
        ]
    )


def _time(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, tz=UTC) if epoch is not None else None
