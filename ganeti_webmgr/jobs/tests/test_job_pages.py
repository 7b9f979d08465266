"""Job list, job page, cancel and acknowledge."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(synced_cluster):
    return synced_cluster


@pytest.fixture
def owner(cluster):
    """Power on inst1, and the requester of a job there."""
    user = User.objects.create_user("owner")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), user, ["power"])
    return user


def make_job(cluster, number, vm_name=None, **fields):
    vm = VirtualMachine.objects.get(name=vm_name) if vm_name else None
    return Job.objects.create(
        cluster=cluster,
        job_id=number,
        virtual_machine=vm,
        target_kind="vm" if vm else "cluster",
        target_name=vm_name or "",
        **fields,
    )


def test_the_list_shows_only_visible_jobs(client, cluster, owner):
    make_job(cluster, 1, "inst1.sim.test")
    make_job(cluster, 2, "inst2.sim.test")
    make_job(cluster, 3, requested_by=owner)
    client.force_login(owner)
    jobs = client.get("/jobs/").context["page"].object_list
    assert sorted(j.job_id for j in jobs) == [1, 3]


def test_the_list_filters_by_status(admin_client, cluster):
    make_job(cluster, 1, status="error", finished=True)
    make_job(cluster, 2, status="running")
    jobs = admin_client.get("/jobs/", {"status": "active"}).context["page"].object_list
    assert [j.job_id for j in jobs] == [2]


def test_the_job_page_shows_ganetis_error(client, cluster, owner):
    make_job(
        cluster,
        7,
        "inst1.sim.test",
        status="error",
        finished=True,
        error_class="OpPrereqError",
        error_code="wrong_state",
        error_message="Instance is not running",
        log=[[1, 1.0, "message", "checking the instance"]],
    )
    client.force_login(owner)
    page = client.get("/clusters/sim/jobs/7/")
    assert b"OpPrereqError (wrong_state): Instance is not running" in page.content
    assert b"checking the instance" in page.content
    assert b"Acknowledge the error" in page.content
    assert client.get("/clusters/sim/jobs/8/").status_code == 404


def test_a_job_on_another_vm_is_404(client, cluster, owner):
    make_job(cluster, 9, "inst2.sim.test")
    client.force_login(owner)
    assert client.get("/clusters/sim/jobs/9/").status_code == 404


def test_cancelling_records_the_wish_without_asking_ganeti(client, cluster, owner, simulator):
    make_job(cluster, 5, "inst1.sim.test", requested_by=owner)
    client.force_login(owner)
    simulator.reset_records()
    response = client.post("/clusters/sim/jobs/5/cancel", follow=True)
    assert b"Cancel requested" in response.content
    assert b"cancel requested, being sent to Ganeti" in response.content
    assert b"Cancel job</button>" not in response.content  # asked once is enough
    assert simulator.requests == []  # gwm-worker sends it
    job = Job.objects.get(job_id=5)
    assert job.cancel_requested_at is not None and job.cancel_sent_at is None
    entry = Entry.objects.get(action="job.cancel", actor=owner)
    assert entry.job == job and entry.message == "cancel requested for job 5"


def test_asking_twice_records_one_cancel(client, cluster, owner):
    make_job(cluster, 6, "inst1.sim.test", requested_by=owner)
    client.force_login(owner)
    client.post("/clusters/sim/jobs/6/cancel")
    response = client.post("/clusters/sim/jobs/6/cancel", follow=True)
    assert b"already requested" in response.content
    assert Entry.objects.filter(action="job.cancel").count() == 1


def test_a_user_without_rights_on_the_vm_cannot_cancel(client, cluster):
    make_job(cluster, 11, "inst1.sim.test")
    viewer = User.objects.create_user("viewer")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), viewer, ["tags"])
    client.force_login(viewer)
    response = client.post("/clusters/sim/jobs/11/cancel", follow=True)
    assert b"can no longer be cancelled here" in response.content


def test_acknowledging_an_error(client, cluster, owner):
    make_job(cluster, 12, "inst1.sim.test", status="error", finished=True)
    client.force_login(owner)
    client.post("/clusters/sim/jobs/12/acknowledge")
    assert Job.objects.get(job_id=12).acknowledged
    entry = Entry.objects.get(action="job.acknowledge")
    assert (entry.actor, entry.job.job_id) == (owner, 12)
    assert {t.object_repr for t in entry.targets.all()} == {"sim", "inst1.sim.test"}
    client.post("/clusters/sim/jobs/12/acknowledge")  # again: nothing changes, no entry
    assert Entry.objects.filter(action="job.acknowledge").count() == 1


def test_pages_need_login_and_post(client, admin_client, cluster):
    make_job(cluster, 13)
    assert client.get("/jobs/").status_code == 302
    assert admin_client.get("/clusters/sim/jobs/13/cancel").status_code == 405
