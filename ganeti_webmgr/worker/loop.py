"""The gwm-worker main loop: claim what is due, work on it in bounded threads.

Syncs run in a pool of sync_threads threads. Jobs (requests to submit, jobs to
follow) go to their cluster's Lane (lanes.py), which holds at most job_threads + 1
threads, so a cluster that hangs cannot starve the others. A heartbeat thread
renews this worker's claims (claims.py), so a worker that dies loses them within
claims.LEASE.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import DatabaseError, close_old_connections, connections

from ganeti_webmgr.audit.retention import DailyPruning
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.logs import shorten
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.worker import claims, submit
from ganeti_webmgr.worker.lanes import POLL, Lane

logger = logging.getLogger("ganeti_webmgr.worker")

CLAIM_BATCH = 200  # jobs claimed per round at most


class Worker:
    def __init__(
        self,
        *,
        sync_interval: int,
        max_backoff: int,
        sync_threads: int,
        job_threads: int,
        tick: float = 0.2,
        name: str | None = None,
    ):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.sync_interval, self.max_backoff = sync_interval, max_backoff
        self.tick = tick
        self.stopping = threading.Event()
        self.sync_pool = ThreadPoolExecutor(sync_threads, thread_name_prefix="sync")
        self.sync_slots = sync_threads
        self.job_threads = job_threads  # per cluster
        self.syncs: dict[int, Future] = {}  # cluster pk -> its sync
        self.lanes: dict[int, Lane] = {}  # cluster pk -> its jobs
        self.audit_pruning = DailyPruning()  # audit entries past their retention
        self._heartbeat = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        self._signalled = False

    # -- the loop ---------------------------------------------------------------
    def run(self, once: bool = False, handle_signals: bool = True) -> None:
        """Until SIGTERM/SIGINT (or, with once, until what was due is done)."""
        if handle_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        logger.info("gwm-worker %s started", self.name)
        self._heartbeat.start()
        try:
            while not self.stopping.is_set():
                claimed = self.dispatch()
                if once and not claimed and not self.busy():
                    break  # nothing due is left that this worker could claim
                self.stopping.wait(self.tick)
        finally:
            self.stopping.set()
            self.sync_pool.shutdown(wait=True)
            for lane in self.lanes.values():
                lane.stop()
            self._heartbeat.join(timeout=10)
            connections.close_all()
            logger.info("gwm-worker %s stopped", self.name)

    def stop(self) -> None:
        self.stopping.set()

    def busy(self) -> bool:
        return bool(self.syncs) or any(lane.busy() for lane in self.lanes.values())

    def _on_signal(self, signum, _frame) -> None:
        # A second signal (Ctrl-C, then the TERM of whoever started us) can arrive while
        # this handler is inside stopping.set(), holding its lock: waiting for that lock
        # again would hang for good. Only the first signal does anything.
        if self._signalled:
            return
        self._signalled = True
        logger.info("signal %s: finishing current work, writing nothing half-done", signum)
        self.stop()

    def _beat(self) -> None:
        """Renew the leases of everything this worker holds, until it stops."""
        while not self.stopping.wait(claims.HEARTBEAT):
            try:
                jobs = set().union(*(lane.held() for lane in list(self.lanes.values())))
                claims.renew_all(self.name, list(self.syncs), jobs)
            except DatabaseError as error:
                # Expected now and then: the database away a moment, or (MariaDB) this
                # beat chosen as a deadlock's victim while a sync holds the cluster's row.
                # The lease outlasts several beats, and the next one retries.
                logger.warning(
                    "heartbeat: could not renew the claims: %s", shorten(str(error), 300)
                )
            except Exception:
                logger.exception("heartbeat: could not renew the claims")
            finally:
                connections.close_all()

    def dispatch(self) -> int:
        """Claim due syncs, requests and unfollowed jobs, as many as there is room for;
        returns how many it claimed."""
        close_old_connections()
        self.audit_pruning.run_if_due()
        for pk in [pk for pk, future in self.syncs.items() if future.done()]:
            del self.syncs[pk]
        claimed = 0
        free = self.sync_slots - len(self.syncs)
        if free > 0:
            for pk in claims.claim_clusters(self.name, free):
                self.syncs[pk] = self.sync_pool.submit(self._in_thread, self.sync_one, pk)
                claimed += 1
        for job in claims.claim_jobs(self.name, CLAIM_BATCH, self._accepts):
            lane = self.lane(job.cluster_id)
            if job.job_id is None:
                lane.submit(job)
            else:
                lane.follow(job)
            claimed += 1
        return claimed

    def lane(self, cluster_pk: int) -> Lane:
        if cluster_pk not in self.lanes:
            self.lanes[cluster_pk] = Lane(self, cluster_pk, self.job_threads)
        return self.lanes[cluster_pk]

    def _accepts(self, cluster_pk: int, submitting: bool) -> bool:
        return self.lane(cluster_pk).accepts(submitting)

    @staticmethod
    def _in_thread(work, pk: int) -> None:
        try:
            work(pk)
        except Exception:  # a bug must not kill the thread pool's worker silently
            logger.exception("unexpected error in %s(%s)", work.__name__, pk)
        finally:
            connections.close_all()  # this thread's connections

    def shutdown(self) -> None:
        """Wait for the threads (after step methods called directly, as tests do)."""
        self.stopping.set()
        self.sync_pool.shutdown(wait=True)
        for lane in self.lanes.values():
            lane.stop()

    # -- one job, in the calling thread (for tests and debugging) ------------------------
    def submit_request(self, pk: int) -> bool:
        """One submission attempt of request pk; True if Ganeti's job id is recorded."""
        job = Job.objects.select_related("cluster").get(pk=pk)
        if not claims.claim_job(self.name, pk):
            return False
        lane = Lane(self, job.cluster_id, 1, inline=True)
        try:
            submitted = submit.submit(self.name, job, lane.client(job.cluster, "submit"))
        finally:
            lane.stop()
        if submitted:
            claims.release_job(self.name, pk)
        return submitted

    def follow_job(self, pk: int) -> None:
        """Follow job pk to its end (or to a failure, which backs it off)."""
        job = Job.objects.select_related("cluster").get(pk=pk)
        if not claims.claim_job(self.name, pk):
            return
        lane = Lane(self, job.cluster_id, 1, inline=True)
        lane.followed[pk] = job
        try:
            while pk in lane.followed and not self.stopping.is_set():
                lane.poll([job])
                if pk in lane.followed:
                    time.sleep(POLL)
        finally:
            lane.stop()
            claims.release_job(self.name, pk)

    # -- one sync -----------------------------------------------------------------
    def sync_one(self, pk: int) -> None:
        cluster = Cluster.objects.get(pk=pk)
        try:
            result = sync.sync_cluster(cluster, should_stop=self.stopping.is_set)
        except sync.SyncStopped:
            logger.info("%s: sync abandoned, stopping", cluster)
        except Exception as error:  # RapiError, or a bug: either way, back off and retry
            delay = sync.record_failure(cluster, error, self.sync_interval, self.max_backoff)
            logger.warning(
                "%s: sync failed, next try in %ss: %s", cluster, delay, shorten(str(error), 500)
            )
        else:
            sync.record_success(cluster, result, self.sync_interval)
            logger.info("%s: synced in %.2fs: %s", cluster, result.seconds, result.as_dict())
        finally:
            claims.release_cluster(self.name, pk)
