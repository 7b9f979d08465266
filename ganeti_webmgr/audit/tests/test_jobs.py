"""Entries about a Ganeti job get its final status when gwm-worker sees it end."""

import pytest

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.worker.loop import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """gwm-worker's steps, called in this thread (its loop and pools are tested in
    worker/tests): deterministic, and follow_job ends through jobs.follow._finish()."""
    w = Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=1, name="t")
    yield w
    w.shutdown()


def start_vm(cluster, alice):
    job_id = client_for(cluster).startup_instance("inst2.sim.test")
    job = Job.objects.create(
        cluster=cluster,
        job_id=job_id,
        target_kind=Job.TargetKind.VIRTUAL_MACHINE,
        target_name="inst2.sim.test",
        requested_by=alice,
    )
    entry = audit.record("vm.start", actor=alice, targets=[cluster], job=job)
    return job, entry


def test_it_fills_in_the_result_of_a_job_that_succeeded(simulator, make_cluster, alice, worker):
    cluster = make_cluster(simulator)
    worker.sync_one(cluster.pk)
    job, entry = start_vm(cluster, alice)
    assert (entry.job_status, entry.job_error) == ("", "")
    worker.follow_job(job.pk)
    entry.refresh_from_db()
    assert Job.objects.get(pk=job.pk).finished
    assert (entry.job_status, entry.job_error) == ("success", "")


def test_it_fills_in_ganetis_error_for_a_job_that_failed(simulator, make_cluster, alice, worker):
    cluster = make_cluster(simulator)
    worker.sync_one(cluster.pk)
    simulator.queue.fail_next("Instance inst2.sim.test is marked to be up", "wrong_state")
    job, entry = start_vm(cluster, alice)
    worker.follow_job(job.pk)
    entry.refresh_from_db()
    assert entry.job_status == "error"
    assert entry.job_error == (
        "OpPrereqError: Instance inst2.sim.test is marked to be up (wrong_state)"
    )


def test_it_keeps_the_result_after_the_job_row_is_gone(simulator, make_cluster, alice, worker):
    cluster = make_cluster(simulator)
    worker.sync_one(cluster.pk)
    job, entry = start_vm(cluster, alice)
    worker.follow_job(job.pk)
    job.delete()
    entry.refresh_from_db()
    assert (entry.job, entry.job_status) == (None, "success")


def test_job_finished_touches_only_that_jobs_entries(cluster, alice):
    one = Job.objects.create(cluster=cluster, job_id=1, status=Job.Status.SUCCESS)
    other = Job.objects.create(cluster=cluster, job_id=2)
    audit.record("vm.start", actor=alice, job=one)
    pending = audit.record("vm.stop", actor=alice, job=other)
    assert audit.job_finished(one) == 1
    pending.refresh_from_db()
    assert pending.job_status == ""
