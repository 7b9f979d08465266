"""One cluster's jobs in one gwm-worker: submissions, following, cancels.

Each cluster with work gets a Lane: a pool of `threads` threads (submissions,
reading back what an ended job changed, cancels) and one follower thread that
polls all the cluster's followed jobs with one request (/2/jobs?bulk=1) every
POLL seconds and reads the details (/2/jobs/ID: log, results, error) only of
jobs that changed, are new, or are running. So a cluster that hangs holds at
most threads + 1 threads of this process, and a bulk run of 50 jobs needs no
more threads than one job.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import connections
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import identity, new_client
from ganeti_webmgr.core.db import atomic_with_retry
from ganeti_webmgr.core.logs import shorten
from ganeti_webmgr.ganeti import RapiClient, RapiError, RapiHTTPError, Timeouts
from ganeti_webmgr.jobs import follow
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.signals import job_finished
from ganeti_webmgr.worker import claims, submit

logger = logging.getLogger("ganeti_webmgr.worker")

POLL = 0.3  # seconds between polls of a cluster's followed jobs
DETAILS_EVERY = 2.0  # seconds between reads of a running job's log
FOLLOW_TIMEOUTS = Timeouts(connect=3, read=10, total=20)
# A job that cannot be followed is retried, backing off up to MAX_DELAY, and
# given up after GIVE_UP_AFTER of failures in a row.
MAX_DELAY = 300
GIVE_UP_AFTER = timedelta(hours=1)
IDLE_EXIT = 5.0  # seconds a follower thread waits for new jobs before it ends
MAX_FOLLOWED = 500  # jobs one lane follows at once; more stay for other workers
SUBMIT_QUEUE = 64  # requests one lane holds to submit at once


class Lane:
    def __init__(self, worker, cluster_pk: int, threads: int, *, inline: bool = False):
        """inline: pool tasks run in the calling thread (the worker's step methods)."""
        self.worker, self.cluster_pk, self.threads = worker, cluster_pk, threads
        self.inline = inline
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix=f"cluster{cluster_pk}")
        self.cond = threading.Condition()
        self.followed: dict[int, Job] = {}  # pk -> job, read by the follower
        self.in_pool: set[int] = set()  # pks with a task queued or running in the pool
        self.submitting = 0
        self.follower: threading.Thread | None = None
        self._clients: dict[str, tuple[tuple, RapiClient]] = {}
        self._cancel_after: dict[int, float] = {}  # pk -> monotonic time of the next try
        self._details_at: dict[int, float] = {}

    # -- what the main loop asks -----------------------------------------------------
    def accepts(self, submitting: bool) -> bool:
        with self.cond:
            if submitting:
                # Claimed ahead of the threads, so a bulk run is not paced by the claim
                # loop's tick; claims are cheap, the threads stay bounded.
                return self.submitting < SUBMIT_QUEUE
            return len(self.followed) + len(self.in_pool) < MAX_FOLLOWED

    def busy(self) -> bool:
        with self.cond:
            return bool(self.followed or self.in_pool)

    def held(self) -> set[int]:
        """The job pks whose claims this lane uses (the heartbeat renews them)."""
        with self.cond:
            return set(self.followed) | self.in_pool

    def submit(self, job: Job) -> None:
        with self.cond:
            self.submitting += 1
            self.in_pool.add(job.pk)
        self._run(self._submit, job)

    def follow(self, job: Job) -> None:
        logger.info("following %s", job)
        with self.cond:
            self.followed[job.pk] = job
            if self.follower is None or not self.follower.is_alive():
                self.follower = threading.Thread(
                    target=self._follow_loop, name=f"follow{self.cluster_pk}", daemon=True
                )
                self.follower.start()
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.cond.notify_all()
        if self.follower is not None:
            self.follower.join(timeout=30)
        self.pool.shutdown(wait=True)
        for client in [c for _, c in self._clients.values()]:
            client.close()

    # -- clients: short timeouts for submissions, others for following -----------------
    def client(self, cluster: Cluster, purpose: str) -> RapiClient:
        made_from = identity(cluster)
        with self.cond:  # made under the lock: no network, and no thread gets a twin
            cached = self._clients.get(purpose)
            if cached and cached[0] == made_from:
                return cached[1]
            timeouts = submit.SUBMIT_TIMEOUTS if purpose == "submit" else FOLLOW_TIMEOUTS
            client = new_client(cluster, timeouts, max_connections=self.threads + 1)
            # A replaced client is not closed: another thread may be using it still.
            self._clients[purpose] = (made_from, client)
            return client

    def _cluster(self) -> Cluster:
        return Cluster.objects.get(pk=self.cluster_pk)

    # -- pool tasks ------------------------------------------------------------------------
    def _run(self, work, job: Job) -> None:
        if self.inline:
            self._task(work, job)
        else:
            self.pool.submit(self._task, work, job)

    def _task(self, work, job: Job) -> None:
        try:
            work(job)
        except Exception:  # a bug must not kill the pool's thread silently
            logger.exception("unexpected error in %s(%s)", work.__name__, job.pk)
            claims.release_job(self.worker.name, job.pk)
        finally:
            with self.cond:
                self.in_pool.discard(job.pk)
            if not self.inline:
                connections.close_all()  # this thread's connections

    def _submit(self, job: Job) -> None:
        try:
            client = self.client(job.cluster, "submit")
            submitted = submit.submit(self.worker.name, job, client)
        finally:
            with self.cond:
                self.submitting -= 1
        if submitted and not self.inline:
            self.follow(job)  # the same claim, at once

    def _finish(self, job: Job) -> None:
        try:
            follow.finish(job, self.client(job.cluster, "follow"))
        except Exception as error:
            self._failed(job, error)
            return
        logger.info("%s: %s", job, job.status)
        claims.release_job(self.worker.name, job.pk)

    def _cancel(self, job: Job) -> None:
        try:
            cancelled, message = self.client(job.cluster, "follow").cancel_job(job.job_id)
        except RapiHTTPError as error:  # Ganeti answered: no point asking again
            cancelled, message = False, error.message
        except RapiError as error:
            logger.warning("%s: cancel not sent (%s); again soon", job, shorten(str(error), 300))
            self._cancel_after[job.pk] = time.monotonic() + 5
            return
        if not cancelled:
            message = f"Ganeti did not cancel it: {message}"
        message = shorten(message, 200)
        Job.objects.filter(pk=job.pk).update(cancel_sent_at=timezone.now(), cancel_result=message)
        logger.info("%s: cancel sent: %s", job, message)

    # -- the follower ----------------------------------------------------------------------
    def _follow_loop(self) -> None:
        try:
            idle_since = time.monotonic()
            while not self.worker.stopping.is_set():
                with self.cond:
                    if not self.followed:
                        if time.monotonic() - idle_since > IDLE_EXIT:
                            self.follower = None
                            return
                        self.cond.wait(0.5)
                        continue
                    jobs = list(self.followed.values())
                self.poll(jobs)
                idle_since = time.monotonic()
                with self.cond:
                    if self.worker.stopping.is_set():
                        break
                    self.cond.wait(POLL)
        finally:
            if self.worker.stopping.is_set():
                self._hand_back()
            connections.close_all()

    def _hand_back(self) -> None:
        """Stopping: release what is followed, so another worker takes it at once."""
        with self.cond:
            jobs, self.followed = list(self.followed.values()), {}
        for job in jobs:
            claims.release_job(self.worker.name, job.pk)

    def poll(self, jobs: list[Job]) -> None:
        """One round over the followed jobs: one list request, details where due."""
        client = self.client(jobs[0].cluster, "follow")
        try:
            listed = {j.id: j for j in client.list_jobs_bulk()}
        except Exception as error:  # the cluster does not answer: all wait
            for job in jobs:
                self._failed(job, error)
            return
        now = time.monotonic()
        details = []
        for job in jobs:
            seen = listed.get(job.job_id)
            if seen is None:  # not listed: read it, which says if Ganeti lost it
                details.append(job)
                continue
            first, changed = job.followed_at is None, seen.status != job.status
            due = (
                job.status == Job.Status.RUNNING
                and now - self._details_at.get(job.pk, 0) >= DETAILS_EVERY
            )
            # Its log and result are only in its own record, read below.
            needs_details = seen.status not in (Job.Status.QUEUED, "waiting") and (
                first or changed or due
            )
            if needs_details:
                details.append(job)
            if first or (changed and not needs_details):
                # What the list says is recorded at once (for a new job: its pickup),
                # before the slower reads of details below.
                self._record(job, seen)
        for job in details:
            self._read(job, client)
        self._send_cancels([job for job in jobs if job.pk in self.followed])

    def _record(self, job: Job, ganeti_job) -> None:
        try:
            follow.record(job, ganeti_job)
        except Exception as error:
            self._failed(job, error)

    def _read(self, job: Job, client: RapiClient) -> None:
        try:
            ganeti_job = client.get_job(job.job_id)
            follow.record(job, ganeti_job)
        except Exception as error:
            self._failed(job, error)
            return
        self._details_at[job.pk] = time.monotonic()
        if job.follow_errors or job.failing_since:
            job.follow_errors, job.failing_since, job.last_error = 0, None, ""
            Job.objects.filter(pk=job.pk).update(follow_errors=0, failing_since=None, last_error="")
        if ganeti_job.finished:
            with self.cond:
                self.followed.pop(job.pk, None)
                self.in_pool.add(job.pk)
            self._details_at.pop(job.pk, None)
            self._run(self._finish, job)

    def _send_cancels(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        wanted = Job.objects.filter(
            pk__in=[job.pk for job in jobs],
            cancel_requested_at__isnull=False,
            cancel_sent_at__isnull=True,
        ).values_list("pk", flat=True)
        by_pk = {job.pk: job for job in jobs}
        now = time.monotonic()
        for pk in wanted:
            with self.cond:
                if pk in self.in_pool or self._cancel_after.get(pk, 0) > now:
                    continue
                self.in_pool.add(pk)
            self._run(self._cancel, by_pk[pk])

    # -- failures: back off, and give up after a bound --------------------------------------
    def _failed(self, job: Job, error: Exception) -> None:
        with self.cond:
            self.followed.pop(job.pk, None)
        now = timezone.now()
        failures = job.follow_errors + 1
        since = job.failing_since or now
        text = shorten(str(error), submit.ERROR_LIMIT)
        if now - since >= GIVE_UP_AFTER:
            self._give_up(job, since, text)
            return
        delay = min(2**failures, MAX_DELAY)
        if isinstance(error, RapiError):
            logger.warning("%s: cannot follow (%s); again in %ss", job, shorten(text, 300), delay)
        else:
            logger.error("%s: unexpected error; again in %ss", job, delay, exc_info=error)
        job.follow_errors, job.failing_since, job.last_error = failures, since, text
        claims.release_job(
            self.worker.name,
            job.pk,
            follow_errors=failures,
            failing_since=since,
            last_error=text,
            next_follow_at=now + timedelta(seconds=delay),
        )

    def _give_up(self, job: Job, since, text: str) -> None:
        now = timezone.now()
        last_seen = job.status
        job.status, job.finished, job.finished_at = Job.Status.UNKNOWN, True, now
        job.error_class, job.error_code = "", ""
        job.error_message = (
            f"GWM stopped following this job after {_duration(now - since)} of errors: "
            f"{text}. Ganeti's own state of the job is unknown (GWM last saw it "
            f"{last_seen}); check it on the cluster (gnt-job info {job.job_id})."
        )

        def write() -> None:
            Job.objects.filter(pk=job.pk).update(
                status=job.status,
                finished=True,
                finished_at=now,
                error_class="",
                error_code="",
                error_message=job.error_message,
                last_error=text,
                follow_claimed_by="",
                follow_claimed_until=None,
            )
            audit.job_finished(job)

        atomic_with_retry(write)
        logger.warning("%s: gave up following it: %s", job, shorten(text, 300))
        job_finished.send(sender=Job, job=job)


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if hours:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    if minutes:
        return _plural(minutes, "minute")
    return _plural(seconds, "second")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"
