"""Job semantics: wait, logs, failures with Ganeti's error class and code, cancel."""

from __future__ import annotations

import time

import pytest

from ganeti_webmgr.ganeti import JobFailed, JobWaitTimeout, RapiNotFound, RapiTimeout
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

from .conftest import sim_client


def test_it_waits_for_a_job_and_passes_its_log(sim, client):
    job_id = client.add_tags("cluster", ["x"])
    entries = []
    job = client.wait_for_job(job_id, on_log=entries.append)
    assert job.id == job_id and job.status == "success" and job.finished
    assert [e.message for e in entries] == ["* running TAGS_SET"]
    assert entries[0].serial == 1 and entries[0].timestamp
    assert any(r.path == f"/2/jobs/{job_id}/wait" for r in sim.requests)


def test_it_reports_a_failed_job_with_ganeti_error_class_message_and_code(sim, client):
    sim.queue.fail_next(
        "The given name (x) does not resolve: Name or service not known",
        code="resolver_error",
        op_id="OP_INSTANCE_CREATE",
    )
    job_id = client.create_instance(
        "x", disk_template="diskless", disks=[], nics=[{}], os="noop+default"
    )
    with pytest.raises(JobFailed) as info:
        client.wait_for_job(job_id)
    err = info.value
    assert err.job_id == job_id and err.status == "error"
    assert err.error_class == "OpPrereqError"
    assert err.error_code == "resolver_error"
    assert err.error_message.startswith("The given name (x) does not resolve")
    assert err.cluster == "sim" and err.path == f"/2/jobs/{job_id}"
    assert "OpPrereqError" in str(err) and "[resolver_error]" in str(err)


def test_it_returns_a_failed_job_when_asked_not_to_raise(sim, client):
    job_id = client.deactivate_instance_disks("inst1.sim.test")  # marked up: refused
    job = client.wait_for_job(job_id, raise_on_failure=False)
    assert job.status == "error"
    assert job.error.error_class == "OpPrereqError" and job.error.code == "wrong_state"


def test_it_names_the_first_failed_opcode_of_a_multi_opcode_job(client):
    # inst1 is diskless: shutdown succeeds, reinstall fails, startup is not run.
    with pytest.raises(JobFailed) as info:
        client.wait_for_job(client.reinstall_instance("inst1.sim.test"))
    job = info.value.job
    assert job.opstatus == ["success", "error", "error"]
    assert info.value.error_message == "Instance 'inst1.sim.test' has no disks"
    assert info.value.error_code == "wrong_input"


def test_it_cancels_a_queued_job(sim, client):
    with sim.hold_jobs():
        job_id = client.add_tags("cluster", ["never"])
        assert client.get_job(job_id).status == "queued"
        assert client.cancel_job(job_id) == (True, f"Dequeued job {job_id}")
    with pytest.raises(JobFailed, match="canceled") as info:
        client.wait_for_job(job_id)
    assert info.value.status == "canceled"
    assert "never" not in client.get_tags("cluster")


def test_it_cannot_cancel_a_finished_job(client):
    job_id = client.add_tags("cluster", ["x"])
    client.wait_for_job(job_id)
    ok, message = client.cancel_job(job_id)
    assert not ok and "not found in queue" in message


def test_it_pauses_jobs_with_a_filter_like_ganeti(sim, client):
    uuid = client.request(
        "POST",
        "/2/filters",
        body={"predicates": [["reason", ["=", "reason", "hold-me"]]], "action": "PAUSE"},
    )
    held = client.add_tags("cluster", ["held"], reason="hold-me")
    free = client.add_tags("cluster", ["free"])
    assert client.wait_for_job(free).succeeded
    assert client.get_job(held).status == "queued"
    client.request("DELETE", f"/2/filters/{uuid}")
    assert client.wait_for_job(held).succeeded


def test_it_reports_an_unknown_job_as_not_found(client):
    with pytest.raises(RapiNotFound, match="job 999 not found"):
        client.get_job(999)
    with pytest.raises(RapiNotFound):
        client.wait_for_job_change(999, ["status"])


def test_it_returns_none_when_a_job_did_not_change(sim, client):
    with sim.hold_jobs():
        job_id = client.add_tags("cluster", ["x"])
        first = client.wait_for_job_change(job_id, ["status"])
        assert first.job_info == ["queued"]
        started = time.monotonic()
        assert client.wait_for_job_change(job_id, ["status"], first.job_info, 0) is None
        assert time.monotonic() - started >= 0.9  # the simulator's 1 s wait timeout


def test_it_times_out_waiting_for_a_stuck_job(sim, client):
    with sim.hold_jobs():
        job_id = client.add_tags("cluster", ["x"])
        with pytest.raises(JobWaitTimeout) as info:
            client.wait_for_job(job_id, timeout=0.5)
    assert isinstance(info.value, RapiTimeout)
    assert info.value.job_id == job_id


def test_it_polls_when_the_user_may_not_long_poll(sim, ro_client, client):
    job_id = client.add_tags("cluster", ["x"])
    entries = []
    job = ro_client.wait_for_job(job_id, poll_interval=0.05, on_log=entries.append)
    assert job.succeeded
    assert [e.message for e in entries] == ["* running TAGS_SET"]
    ro_requests = [r for r in sim.requests if r.user == "gwm-ro"]
    assert ro_requests[0].path.endswith("/wait") and ro_requests[0].status == 403
    assert ro_requests[-1].path == f"/2/jobs/{job_id}"


def test_it_lists_jobs(client):
    ids = [client.add_tags("cluster", [f"t{i}"]) for i in range(3)]
    for i in ids:
        client.wait_for_job(i)
    assert client.list_jobs() == ids
    bulk = client.list_jobs_bulk()
    assert [j.id for j in bulk] == ids
    assert all(j.summary == ["TAGS_SET"] and j.ended_at >= j.received_at for j in bulk)
    assert "oplog" not in bulk[0].raw and "oplog" in client.get_job(ids[0]).raw


def test_it_runs_jobs_in_order_with_real_state_changes():
    with (
        RapiSimulator(SimCluster.generate(nodes=1, instances=0), op_duration=0.01) as s,
        sim_client(s) as c,
    ):
        create = c.create_instance(
            "a.sim.test", disk_template="diskless", disks=[], nics=[{}], os="noop+default"
        )
        stop = c.shutdown_instance("a.sim.test")
        assert c.get_job(create).status in ("queued", "running")
        c.wait_for_job(create)
        c.wait_for_job(stop)
        assert c.get_instance("a.sim.test").status == "ADMIN_down"
