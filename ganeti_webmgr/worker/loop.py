"""The gwm-worker main loop: claim what is due, work on it in bounded thread pools."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from django.db import close_old_connections, connections
from django.utils import timezone

from ganeti_webmgr.audit.retention import DailyPruning
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti import RapiError
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs import follow
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.worker import claims

logger = logging.getLogger("ganeti_webmgr.worker")


class Worker:
    def __init__(
        self,
        *,
        sync_interval: int,
        max_backoff: int,
        sync_threads: int,
        job_threads: int,
        tick: float = 0.5,
        name: str | None = None,
    ):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.sync_interval, self.max_backoff = sync_interval, max_backoff
        self.tick = tick
        self.stopping = threading.Event()
        self.sync_pool = ThreadPoolExecutor(sync_threads, thread_name_prefix="sync")
        self.job_pool = ThreadPoolExecutor(job_threads, thread_name_prefix="job")
        self.sync_slots, self.job_slots = sync_threads, job_threads
        self.running: dict[str, set[Future]] = {"sync": set(), "job": set()}
        self.audit_pruning = DailyPruning()  # audit entries past their retention

    # -- the loop ---------------------------------------------------------------
    def run(self, once: bool = False, handle_signals: bool = True) -> None:
        """Until SIGTERM/SIGINT (or, with once, until what was due is done)."""
        if handle_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        logger.info("gwm-worker %s started", self.name)
        try:
            while not self.stopping.is_set():
                claimed = self.dispatch()
                if once and not claimed and not any(self.running.values()):
                    break  # nothing due is left that this worker could claim
                self.stopping.wait(self.tick)
        finally:
            self.sync_pool.shutdown(wait=True)
            self.job_pool.shutdown(wait=True)
            connections.close_all()
            logger.info("gwm-worker %s stopped", self.name)

    def stop(self) -> None:
        self.stopping.set()

    def _on_signal(self, signum, _frame) -> None:
        logger.info("signal %s: finishing current work, writing nothing half-done", signum)
        self.stop()

    def dispatch(self) -> int:
        """Claim due syncs and unfollowed jobs, as many as there are free threads;
        returns how many it claimed."""
        close_old_connections()
        self.audit_pruning.run_if_due()
        claimed = 0
        for kind, claim, work, pool, slots in (
            ("sync", claims.claim_clusters, self.sync_one, self.sync_pool, self.sync_slots),
            ("job", claims.claim_jobs, self.follow_job, self.job_pool, self.job_slots),
        ):
            running = self.running[kind]
            running.difference_update([f for f in running if f.done()])
            free = slots - len(running)
            if free <= 0:
                continue
            for pk in claim(self.name, free):
                future = pool.submit(self._in_thread, work, pk)
                running.add(future)
                claimed += 1
        return claimed

    @staticmethod
    def _in_thread(work, pk: int) -> None:
        try:
            work(pk)
        except Exception:  # a bug must not kill the thread pool's worker silently
            logger.exception("unexpected error in %s(%s)", work.__name__, pk)
        finally:
            connections.close_all()  # this thread's connections

    # -- one sync -----------------------------------------------------------------
    def sync_one(self, pk: int) -> None:
        cluster = Cluster.objects.get(pk=pk)
        try:
            result = sync.sync_cluster(cluster, should_stop=self.stopping.is_set)
        except sync.SyncStopped:
            logger.info("%s: sync abandoned, stopping", cluster)
        except Exception as error:  # RapiError, or a bug: either way, back off and retry
            delay = sync.record_failure(cluster, error, self.sync_interval, self.max_backoff)
            logger.warning("%s: sync failed, next try in %ss: %s", cluster, delay, error)
        else:
            sync.record_success(cluster, result, self.sync_interval)
            logger.info("%s: synced in %.2fs: %s", cluster, result.seconds, result.as_dict())
        finally:
            claims.release_cluster(self.name, pk)

    # -- one job -----------------------------------------------------------------------
    def follow_job(self, pk: int) -> None:
        """Follow a job to its end, keeping the claim, or hand it back when stopping."""
        job = Job.objects.select_related("cluster").get(pk=pk)
        client = client_for(job.cluster)
        logger.info("following %s", job)
        try:
            while not self.stopping.is_set():
                if follow.step(job, client):
                    logger.info("%s: %s", job, job.status)
                    return
                if not claims.renew_job(self.name, pk):
                    return  # our lease ran out and another worker has it
        except Exception as error:
            # Unreachable cluster, a vanished job, or a bug: back off, then any worker
            # may try again (never a hot loop on the same failure).
            failures = job.follow_errors + 1
            delay = min(2**failures, 300)
            if isinstance(error, RapiError):
                logger.warning("%s: cannot follow (%s); again in %ss", job, error, delay)
            else:
                logger.exception("%s: unexpected error; again in %ss", job, delay)
            claims.release_job(
                self.name,
                pk,
                follow_errors=failures,
                next_follow_at=timezone.now() + timedelta(seconds=delay),
            )
            return
        finally:
            claims.release_job(self.name, pk)
