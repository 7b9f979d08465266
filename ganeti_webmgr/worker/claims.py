"""Which worker process works on which cluster sync or job, by conditional UPDATE.

A row is claimed with `UPDATE ... SET claimed_by = me, claimed_until = now + lease
WHERE pk = X AND (claimed_until IS NULL OR claimed_until < now)`: the database
lets exactly one concurrent UPDATE match, on SQLite, PostgreSQL and MariaDB
alike, so several gwm-worker processes (on one host or many) never sync the same
cluster, submit the same request or follow the same job at once.

Leases are short (LEASE) and renewed every HEARTBEAT by a thread of their worker
(renew_all), however long the work takes: a worker killed with SIGKILL loses its
claims within LEASE, and another takes over. See docs/worker.rst for why not SKIP
LOCKED or a broker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job

LEASE = timedelta(seconds=15)
HEARTBEAT = 3.0  # seconds between renewals: several renewals fit in one lease


def _free(prefix: str, now) -> Q:
    return Q(**{f"{prefix}_claimed_until__isnull": True}) | Q(
        **{f"{prefix}_claimed_until__lt": now}
    )


def claim_clusters(worker: str, limit: int) -> list[int]:
    now = timezone.now()
    free = _free("sync", now)
    candidates = (
        Cluster.objects.filter(free, next_sync_at__lte=now)
        .order_by("next_sync_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        if Cluster.objects.filter(free, pk=pk).update(
            sync_claimed_by=worker, sync_claimed_until=now + LEASE
        ):
            claimed.append(pk)
    return claimed


def release_cluster(worker: str, pk: int) -> None:
    Cluster.objects.filter(pk=pk, sync_claimed_by=worker).update(
        sync_claimed_by="", sync_claimed_until=None
    )


def claim_jobs(worker: str, limit: int, accept: Callable[[int, bool], bool]) -> list[Job]:
    """Claim due requests to submit (no job_id yet) and unfinished jobs to follow.

    accept(cluster_id, submitting) says whether this worker has room for one more of
    that cluster's (its per-cluster bounds); a refused row stays free for others.
    """
    now = timezone.now()
    free = _free("follow", now)
    candidates = (
        Job.objects.filter(free, finished=False, next_follow_at__lte=now)
        .select_related("cluster")
        .order_by("next_follow_at")[:limit]
    )
    claimed = []
    for job in candidates:
        if not accept(job.cluster_id, job.job_id is None):
            continue
        if Job.objects.filter(free, pk=job.pk, finished=False).update(
            follow_claimed_by=worker, follow_claimed_until=now + LEASE
        ):
            job.follow_claimed_by = worker
            claimed.append(job)
    return claimed


def claim_job(worker: str, pk: int) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(_free("follow", now), pk=pk, finished=False).update(
            follow_claimed_by=worker, follow_claimed_until=now + LEASE
        )
    )


def release_job(worker: str, pk: int, **fields) -> None:
    Job.objects.filter(pk=pk, follow_claimed_by=worker).update(
        follow_claimed_by="", follow_claimed_until=None, **fields
    )


def renew_all(worker: str, cluster_pks, job_pks) -> None:
    """The heartbeat: extend the leases of what this worker is working on (a claim
    it lost track of, through a bug, is left to expire and be taken over)."""
    until = timezone.now() + LEASE
    if cluster_pks:
        Cluster.objects.filter(pk__in=list(cluster_pks), sync_claimed_by=worker).update(
            sync_claimed_until=until
        )
    if job_pks:
        Job.objects.filter(pk__in=list(job_pks), follow_claimed_by=worker).update(
            follow_claimed_until=until
        )
