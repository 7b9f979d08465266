"""The worker loop in-process, against RAPI simulators."""

import threading
import time

import pytest
from django.utils import timezone

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.worker.loop import Worker

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's threads commit


def worker(**options) -> Worker:
    defaults = {
        "sync_interval": 3600,
        "max_backoff": 900,
        "sync_threads": 2,
        "job_threads": 4,
        "tick": 0.05,
        "name": "test-worker",
    }
    return Worker(**{**defaults, **options})


def in_background(w: Worker) -> threading.Thread:
    thread = threading.Thread(target=w.run, kwargs={"handle_signals": False})
    thread.start()
    return thread


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_it_syncs_due_clusters_and_schedules_the_next_sync(simulator, make_cluster):
    cluster = make_cluster(simulator)
    worker().run(once=True, handle_signals=False)
    cluster.refresh_from_db()
    assert VirtualMachine.objects.filter(cluster=cluster).count() == 10
    assert cluster.last_sync_at is not None and cluster.consecutive_failures == 0
    assert 3590 < (cluster.next_sync_at - timezone.now()).total_seconds() <= 3600
    assert cluster.sync_claimed_by == "" and cluster.sync_claimed_until is None
    # Not due again: a second round syncs nothing.
    before = len(simulator.requests)
    worker().run(once=True, handle_signals=False)
    assert len(simulator.requests) == before


def test_a_slow_cluster_does_not_delay_the_others(simulator, make_cluster):
    with RapiSimulator(SimCluster.generate(nodes=1, instances=3, domain="slow.test")) as slow:
        slow.inject("latency", path="/2/instances", seconds=3)
        slow_cluster = make_cluster(slow, "slow")
        fast_cluster = make_cluster(simulator, "fast")
        w = worker()
        thread = in_background(w)
        try:
            wait_for(lambda: Cluster.objects.get(pk=fast_cluster.pk).last_sync_at, timeout=2.5)
            assert Cluster.objects.get(pk=slow_cluster.pk).last_sync_at is None  # still busy
        finally:
            w.stop()
            thread.join(timeout=15)
    assert not thread.is_alive()


def test_a_failing_cluster_is_recorded_and_backed_off(simulator, make_cluster):
    with RapiSimulator(SimCluster.generate(nodes=1, instances=1, domain="bad.test")) as bad:
        bad.inject("status", path="/2/info", status=502, message="cannot reach the master")
        failing, healthy = make_cluster(bad, "bad"), make_cluster(simulator, "good")
        worker(sync_interval=30).run(once=True, handle_signals=False)
    failing.refresh_from_db()
    healthy.refresh_from_db()
    assert failing.consecutive_failures == 1
    assert "cannot reach the master" in failing.last_error
    assert 25 < (failing.next_sync_at - timezone.now()).total_seconds() <= 30
    assert healthy.last_sync_at is not None and healthy.last_error == ""


def submit(cluster, sim, **job_fields) -> Job:
    job_id = client_for(cluster).startup_instance("inst2.sim.test")
    return Job.objects.create(
        cluster=cluster,
        job_id=job_id,
        target_kind=Job.TargetKind.VIRTUAL_MACHINE,
        target_name="inst2.sim.test",
        **job_fields,
    )


def test_it_follows_a_job_to_its_end_and_refreshes_the_vm(make_cluster):
    with RapiSimulator(
        SimCluster.generate(nodes=2, instances=4), op_duration=1.0, wait_timeout=5
    ) as sim:
        cluster = make_cluster(sim)
        w = worker()
        thread = in_background(w)
        try:
            wait_for(lambda: VirtualMachine.objects.filter(cluster=cluster).count() == 4)
            with sim.cluster.lock:
                sim.cluster._set_running(sim.cluster.instances["inst2.sim.test"], False)
                sim.cluster.instances["inst2.sim.test"]["admin_state"] = "down"
            job = submit(cluster, sim)
            wait_for(lambda: Job.objects.get(pk=job.pk).finished, timeout=10)
            finished_at = time.time()
        finally:
            w.stop()
            thread.join(timeout=15)
    job.refresh_from_db()
    assert job.status == "success"
    assert job.operations == ["INSTANCE_STARTUP(inst2.sim.test)"]
    assert job.ended_at is not None and job.log is not None
    # Long-polled, not found by the hourly sync: seen right after Ganeti ended it.
    assert finished_at - job.ended_at.timestamp() < 3
    vm = VirtualMachine.objects.get(cluster=cluster, name="inst2.sim.test")
    assert vm.oper_state is True and vm.status == "running"
    assert job.virtual_machine == vm


def test_a_failed_job_keeps_ganetis_error(simulator, make_cluster):
    cluster = make_cluster(simulator)
    worker().run(once=True, handle_signals=False)
    simulator.queue.fail_next("Instance inst2.sim.test is marked to be up", "wrong_state")
    job = submit(cluster, simulator)
    worker().run(once=True, handle_signals=False)
    job.refresh_from_db()
    assert (job.status, job.finished) == ("error", True)
    assert (job.error_class, job.error_code) == ("OpPrereqError", "wrong_state")
    assert job.error_message == "Instance inst2.sim.test is marked to be up"


def test_a_job_on_an_unreachable_cluster_is_retried_later(simulator, make_cluster):
    cluster = make_cluster(simulator)
    job = submit(cluster, simulator)
    Cluster.objects.filter(pk=cluster.pk).update(
        port=1, next_sync_at=timezone.now() + timezone.timedelta(hours=1)
    )
    worker().run(once=True, handle_signals=False)
    job.refresh_from_db()
    assert not job.finished and job.follow_errors == 1
    assert job.next_follow_at > timezone.now()
    assert job.follow_claimed_by == ""


def test_a_finished_jobs_target_is_read_again_until_it_shows_the_change(
    simulator, make_cluster, monkeypatch
):
    from ganeti_webmgr.ganeti import Instance
    from ganeti_webmgr.inventory import job_targets

    cluster = make_cluster(simulator)
    with simulator.cluster.lock:
        simulator.cluster._set_running(simulator.cluster.instances["inst2.sim.test"], False)
        simulator.cluster.instances["inst2.sim.test"]["admin_state"] = "down"
    worker().run(once=True, handle_signals=False)  # GWM knows inst2 stopped
    stopped = VirtualMachine.objects.get(cluster=cluster, name="inst2.sim.test").raw
    job = submit(cluster, simulator)

    # Ganeti's query side lags: the first two reads after the job show the old VM.
    real_fetch, reads = job_targets.fetch_targets, []

    def lagging(job, client):
        reads.append(1)
        targets = real_fetch(job, client)
        if len(reads) <= 2:
            targets.instances[job.target_name] = Instance.from_dict(stopped)
        return targets

    monkeypatch.setattr(job_targets, "fetch_targets", lagging)
    monkeypatch.setattr(job_targets, "SETTLE_PAUSE", 0.01)
    worker().run(once=True, handle_signals=False)
    job.refresh_from_db()
    assert job.finished and len(reads) == 3
    assert VirtualMachine.objects.get(cluster=cluster, name="inst2.sim.test").status == "running"


def test_a_second_signal_inside_the_first_ones_handler_does_not_hang_it():
    w = worker()
    lock = threading.Lock()  # as threading.Event's own: not reentrant

    class SignalledWhileSetting(threading.Event):
        def set(self):
            assert lock.acquire(timeout=1), "the second signal waited for the first's lock"
            try:
                w._on_signal(15, None)  # the TERM that follows a Ctrl-C arrives here
                super().set()
            finally:
                lock.release()

    w.stopping = SignalledWhileSetting()
    w._on_signal(2, None)
    assert w.stopping.is_set()


def test_a_heartbeat_that_loses_a_deadlock_warns_in_one_line_and_the_next_beat_renews(
    monkeypatch, caplog
):
    from django.db import OperationalError

    from ganeti_webmgr.worker import claims

    beats = []

    def renew_all(*args):
        beats.append(args)
        if len(beats) == 1:
            raise OperationalError(1213, "Deadlock found when trying to get lock")

    monkeypatch.setattr(claims, "HEARTBEAT", 0.02)
    monkeypatch.setattr(claims, "renew_all", renew_all)
    w = worker()
    thread = in_background(w)
    try:
        wait_for(lambda: len(beats) >= 2)
    finally:
        w.stop()
        thread.join(timeout=10)
    [warning] = [r for r in caplog.records if "could not renew" in r.getMessage()]
    assert warning.levelname == "WARNING" and warning.exc_info is None
    assert "Deadlock found" in warning.getMessage()
