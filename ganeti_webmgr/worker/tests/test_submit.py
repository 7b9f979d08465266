"""gwm-worker submits recorded requests: once, and with a clear end when Ganeti is silent."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti import Timeouts
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.worker import lanes, submit
from ganeti_webmgr.worker.loop import Worker

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's threads commit

REBOOT = r"^/2/instances/inst1\.sim\.test/reboot$"


def worker(name="test-worker", **options) -> Worker:
    defaults = {"sync_interval": 3600, "max_backoff": 900, "sync_threads": 2, "job_threads": 2}
    return Worker(**{**defaults, "tick": 0.02, "name": name, **options})


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return result


def run_until(condition, *workers, timeout=20.0):
    threads = [threading.Thread(target=w.run, kwargs={"handle_signals": False}) for w in workers]
    for thread in threads:
        thread.start()
    try:
        return wait_for(condition, timeout)
    finally:
        for w in workers:
            w.stop()
        for thread in threads:
            thread.join(timeout=30)


@pytest.fixture
def requester(db):
    return User.objects.create_superuser("requester", "r@example.org", "pw-requester-1")


@pytest.fixture
def synced(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=timezone.now() + timedelta(hours=1))
    return cluster


def reboot(user, cluster, name="inst1.sim.test", **fields) -> Job:
    vm = VirtualMachine.objects.get(cluster=cluster, name=name)
    job = service.record(user, ACTIONS["vm.reboot"], vm, {"reboot_type": "soft"})
    if fields:
        Job.objects.filter(pk=job.pk).update(**fields)
    return job


def posts(sim, path=REBOOT) -> int:
    return sum(1 for r in sim.requests if r.method == "POST" and re.match(path, r.path))


def ended(job) -> Job | None:
    fresh = Job.objects.get(pk=job.pk)
    return fresh if fresh.finished else None


@pytest.fixture
def quick(monkeypatch):
    """Timeouts of a fraction of a second, so silent clusters are tested quickly."""
    monkeypatch.setattr(submit, "SUBMIT_TIMEOUTS", Timeouts(connect=0.5, read=0.5, total=1))
    monkeypatch.setattr(submit, "MAX_RETRY_DELAY", 0.2)


def test_a_request_is_submitted_then_followed_to_its_end(simulator, synced, requester):
    job = reboot(requester, synced)
    done = run_until(lambda: ended(job), worker())
    assert (done.status, done.job_id) == ("success", 1)
    assert done.sent_at <= done.followed_at <= done.finished_at
    assert done.submit_attempts == 1 and posts(simulator) == 1
    # Ganeti got our reason, which is how a lost answer would be found.
    assert simulator.queue.get(1).ops[0]["reason"][0][:2] == ["gnt:user", job.reason]
    entry = Entry.objects.get(job=job)
    assert entry.job_status == "success"


def test_ganetis_refusal_ends_it_not_started(simulator, synced, requester):
    simulator.inject("status", path=REBOOT, status=400, message="Instance inst1 is locked")
    job = reboot(requester, synced)
    done = run_until(lambda: ended(job), worker())
    assert done.status == "not_started" and done.job_id is None
    assert done.error_message == "Ganeti refused: Instance inst1 is locked"
    assert Entry.objects.get(job=job).job_error == "Ganeti refused: Instance inst1 is locked"


def test_an_unreachable_cluster_is_retried_until_the_deadline(synced, requester, quick):
    Cluster.objects.filter(pk=synced.pk).update(port=1)  # connection refused
    job = reboot(requester, synced)
    Job.objects.filter(pk=job.pk).update(submit_deadline=job.created_at + timedelta(seconds=2))
    done = run_until(lambda: ended(job), worker())
    assert done.status == "not_started" and done.submit_attempts >= 2
    assert done.error_message == (
        f"Ganeti at {synced.hostname} did not answer for 2 seconds: nothing was started."
    )
    assert "connection failed" in done.last_error
    assert Entry.objects.get(job=job).job_status == "not_started"


def test_a_lost_answer_is_found_by_its_reason_and_not_sent_again(simulator, synced, requester):
    simulator.inject("lost_answer", path=REBOOT, times=1)
    job = reboot(requester, synced)
    done = run_until(lambda: ended(job), worker())
    assert posts(simulator) == 1  # sent once; found, not resent
    assert (done.status, done.job_id) == ("success", 1)
    assert list(simulator.queue.jobs) == [1]


def test_a_lost_request_is_never_resent_and_ends_saying_so(simulator, synced, requester, quick):
    simulator.inject("drop", path=REBOOT)  # the request went out; no job, no answer
    job = reboot(requester, synced)
    Job.objects.filter(pk=job.pk).update(submit_deadline=job.created_at + timedelta(seconds=2))
    done = run_until(lambda: ended(job), worker())
    assert posts(simulator) == 1 and simulator.queue.jobs == {}
    assert done.status == "not_started"
    assert "did not confirm this request" in done.error_message
    assert "GWM did not send it again" in done.error_message
    assert "gnt-job list" in done.error_message
    # It was looked for in Ganeti's queue meanwhile.
    assert any(r.path == "/2/jobs" and r.query.get("bulk") for r in simulator.requests)


def test_a_worker_that_died_after_sending_is_taken_over_without_resending(
    simulator, synced, requester
):
    # As a worker that was killed leaves it: sent, no id, claim expired.
    job = reboot(requester, synced)
    job_id = client_for(synced).reboot_instance("inst1.sim.test", reason=job.reason)
    Job.objects.filter(pk=job.pk).update(
        sent_at=timezone.now(),
        submit_attempts=1,
        follow_claimed_by="dead",
        follow_claimed_until=timezone.now() - timedelta(seconds=1),
    )
    done = run_until(lambda: ended(job), worker())
    assert done.job_id == job_id and done.status == "success"
    assert posts(simulator) == 1


def test_not_submitted_ends_it_with_the_actions_words(simulator, synced, requester):
    vm = VirtualMachine.objects.get(cluster=synced, name="inst1.sim.test")
    job = service.record(requester, ACTIONS["vm.modify"], vm, {"serial_no": 999, "vcpus": 2})
    done = run_until(lambda: ended(job), worker())
    assert done.status == "not_started"
    assert "was changed in Ganeti after the form was shown" in done.error_message
    assert not any(r.method == "PUT" for r in simulator.requests)


def test_two_workers_racing_send_each_request_once(simulator, synced, requester):
    simulator.inject("latency", path=r"/reboot$", seconds=0.1)  # widen the race
    names = [f"inst{n}.sim.test" for n in range(1, 9)]
    jobs = [reboot(requester, synced, name) for name in names]
    run_until(lambda: all(ended(j) for j in jobs), worker("w1"), worker("w2"), timeout=30)
    for name in names:
        assert posts(simulator, rf"^/2/instances/{name}/reboot$") == 1
    assert len(simulator.queue.jobs) == 8
    assert {j.status for j in Job.objects.all()} == {"success"}


def test_a_hung_cluster_does_not_hold_up_another_clusters_requests(
    simulator, synced, requester, make_cluster, monkeypatch
):
    monkeypatch.setattr(submit, "SUBMIT_TIMEOUTS", Timeouts(connect=1, read=3, total=4))
    with RapiSimulator(SimCluster.generate(nodes=1, instances=8, domain="hung.test")) as hung:
        hung_cluster = make_cluster(hung, "hung")
        sync.sync_cluster(hung_cluster)
        hung.inject("hang", seconds=3)  # every path
        Cluster.objects.update(next_sync_at=timezone.now())  # syncs too
        stuck = [reboot(requester, hung_cluster, f"inst{n}.hung.test") for n in range(1, 9)]
        w = worker(job_threads=2)
        thread = threading.Thread(target=w.run, kwargs={"handle_signals": False})
        thread.start()
        try:
            wait_for(lambda: hung.requests or any(Job.objects.get(pk=j.pk).sent_at for j in stuck))
            healthy = reboot(requester, synced)
            done = wait_for(lambda: ended(healthy))
            # Followed to its end while the hung cluster's requests still wait on it.
            assert done.status == "success"
            assert not any(ended(j) for j in stuck)
            # The hung cluster holds no more threads than its bound.
            prefix = f"cluster{hung_cluster.pk}_"
            assert sum(t.name.startswith(prefix) for t in threading.enumerate()) <= 2
        finally:
            w.stop()
            thread.join(timeout=30)


def test_a_cancel_request_is_sent_by_the_worker(simulator, synced, requester):
    with simulator.hold_jobs():
        job = reboot(requester, synced)
        wait_for_job = run_until(
            lambda: Job.objects.filter(pk=job.pk, job_id__isnull=False).first(), worker()
        )
        Job.objects.filter(pk=wait_for_job.pk).update(cancel_requested_at=timezone.now())
        done = run_until(lambda: ended(job), worker())
    assert done.status == "canceled"
    assert done.cancel_sent_at is not None and done.cancel_result == "Dequeued job 1"


def test_a_job_that_cannot_be_followed_is_given_up_after_the_bound(simulator, synced):
    job = Job.objects.create(
        cluster=synced,
        job_id=4242,  # Ganeti does not know it
        status="running",
        follow_errors=9,
        failing_since=timezone.now() - lanes.GIVE_UP_AFTER - timedelta(minutes=1),
    )
    worker().run(once=True, handle_signals=False)
    job.refresh_from_db()
    assert (job.status, job.finished) == ("unknown", True)
    assert job.error_message.startswith("GWM stopped following this job after 1 hour")
    assert "job 4242 not found" in job.error_message
    assert "Ganeti's own state of the job is unknown (GWM last saw it running)" in (
        job.error_message
    )


def test_a_failing_job_backs_off_before_the_bound(simulator, synced):
    job = Job.objects.create(cluster=synced, job_id=4242, status="running")
    worker().run(once=True, handle_signals=False)
    job.refresh_from_db()
    assert not job.finished and job.follow_errors == 1
    assert job.failing_since is not None and "not found" in job.last_error
    assert job.next_follow_at > timezone.now() and job.follow_claimed_by == ""
