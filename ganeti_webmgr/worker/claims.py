"""Which worker process works on which cluster sync or job, by conditional UPDATE.

A row is claimed with `UPDATE ... SET claimed_by = me, claimed_until = now + lease
WHERE pk = X AND (claimed_until IS NULL OR claimed_until < now)`: the database
lets exactly one concurrent UPDATE match, on SQLite, PostgreSQL and MariaDB
alike, so several gwm-worker processes (on one host or many) never sync the same
cluster or follow the same job at once. A worker that dies loses its claims
when the lease runs out. See docs/worker.rst for why not SKIP LOCKED or a broker.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job

# Longer than any sync can take (four RAPI reads, each bounded by its total timeout).
SYNC_LEASE = timedelta(minutes=10)
# A followed job's lease is renewed after every long poll (about 10 s).
JOB_LEASE = timedelta(minutes=2)


def claim_clusters(worker: str, limit: int) -> list[int]:
    now = timezone.now()
    free = Q(sync_claimed_until__isnull=True) | Q(sync_claimed_until__lt=now)
    candidates = (
        Cluster.objects.filter(free, next_sync_at__lte=now)
        .order_by("next_sync_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        if Cluster.objects.filter(free, pk=pk).update(
            sync_claimed_by=worker, sync_claimed_until=now + SYNC_LEASE
        ):
            claimed.append(pk)
    return claimed


def release_cluster(worker: str, pk: int) -> None:
    Cluster.objects.filter(pk=pk, sync_claimed_by=worker).update(
        sync_claimed_by="", sync_claimed_until=None
    )


def claim_jobs(worker: str, limit: int) -> list[int]:
    now = timezone.now()
    free = Q(follow_claimed_until__isnull=True) | Q(follow_claimed_until__lt=now)
    candidates = (
        Job.objects.filter(free, finished=False, job_id__isnull=False, next_follow_at__lte=now)
        .order_by("next_follow_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        if Job.objects.filter(free, pk=pk, finished=False).update(
            follow_claimed_by=worker, follow_claimed_until=now + JOB_LEASE
        ):
            claimed.append(pk)
    return claimed


def renew_job(worker: str, pk: int) -> bool:
    """Extend the lease; False if another worker took the job over (ours had expired)."""
    return bool(
        Job.objects.filter(pk=pk, follow_claimed_by=worker).update(
            follow_claimed_until=timezone.now() + JOB_LEASE
        )
    )


def release_job(worker: str, pk: int, **fields) -> None:
    Job.objects.filter(pk=pk, follow_claimed_by=worker).update(
        follow_claimed_by="", follow_claimed_until=None, **fields
    )
