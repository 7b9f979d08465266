"""Jobs through the API: the list, one job, cancel, and waiting for a change."""

from __future__ import annotations

import pytest

from ganeti_webmgr.api.views import jobs as job_views
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def vm(synced_cluster):
    return VirtualMachine.objects.order_by("name").first()


def make_job(vm, user=None, **fields) -> Job:
    values = {
        "cluster": vm.cluster,
        "job_id": 100 + Job.objects.count(),
        "status": Job.Status.RUNNING,
        "virtual_machine": vm,
        "target_kind": Job.TargetKind.VIRTUAL_MACHINE,
        "target_name": vm.name,
        "requested_by": user,
        "action": "vm.reboot",
        "operations": [f"soft reboot of {vm.name}"],
    }
    return Job.objects.create(**{**values, **fields})


def test_the_list_shows_the_users_jobs_newest_first_with_the_web_filters(api, bob, vm):
    other = VirtualMachine.objects.exclude(pk=vm.pk).order_by("name").first()
    set_permissions(vm, bob, ["power"])
    mine = [make_job(vm), make_job(vm, status=Job.Status.SUCCESS, finished=True)]
    make_job(other)  # not bob's to see
    client = api(bob)
    answer = client.get("/api/v1/jobs/")
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [mine[1].pk, mine[0].pk]
    active = client.get("/api/v1/jobs/", {"status": "active"}).json()["results"]
    assert [row["id"] for row in active] == [mine[0].pk]
    assert client.get("/api/v1/jobs/", {"status": "bored"}).status_code == 400
    assert client.get(f"/api/v1/jobs/{mine[0].pk}/").status_code == 200
    assert client.get(f"/api/v1/jobs/{Job.objects.get(virtual_machine=other).pk}/").status_code == (
        404
    )


def test_a_job_answers_304_to_its_etag_until_it_changes(api, bob, vm):
    job = make_job(vm, bob)
    client = api(bob)
    first = client.get(f"/api/v1/jobs/{job.pk}/")
    body = first.json()
    assert (body["job_id"], body["status"], body["requested_by"]) == (job.job_id, "running", "bob")
    assert body["target"] == f"/api/v1/clusters/sim/vms/{vm.name}/"
    same = client.get(f"/api/v1/jobs/{job.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCESS, finished=True)
    changed = client.get(f"/api/v1/jobs/{job.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["status"] == "success"


def test_cancel_is_recorded_once_with_its_audit_entry(api, bob, charlie, vm):
    set_permissions(vm, bob, ["power"])
    job = make_job(vm)
    client = api(bob)
    answer = client.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert answer.status_code == 202, answer.content
    assert answer.json()["cancel_requested"] is True
    job.refresh_from_db()
    assert job.cancel_requested_at is not None
    entry = Entry.objects.get(action="job.cancel")
    assert entry.job == job and entry.via == client.token.label
    again = client.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert again.status_code == 202 and Entry.objects.filter(action="job.cancel").count() == 1
    assert api(charlie).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 404


def test_cancel_follows_the_web_rule(api, bob, vm):
    set_permissions(vm, bob, ["tags"])  # sees the VM's jobs, may not act on them
    job = make_job(vm)
    assert api(bob).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 403
    assert api(bob, write=False).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 403
    own = make_job(vm, bob, job_id=None, status=Job.Status.SUBMITTING)
    early = api(bob).post(f"/api/v1/jobs/{own.pk}/cancel/")
    assert early.status_code == 409 and early.json()["code"] == "not_submitted"
    ended = make_job(vm, bob, status=Job.Status.SUCCESS, finished=True)
    late = api(bob).post(f"/api/v1/jobs/{ended.pk}/cancel/")
    assert late.status_code == 409 and late.json()["code"] == "finished"
    assert Job.objects.filter(cancel_requested_at__isnull=False).count() == 0


def test_wait_answers_at_once_for_a_change_or_an_end(api, bob, vm):
    job = make_job(vm, bob)
    client = api(bob)
    etag = client.get(f"/api/v1/jobs/{job.pk}/")["ETag"]
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCESS, finished=True)
    changed = client.get(f"/api/v1/jobs/{job.pk}/wait/?timeout=60", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["status"] == "success"
    assert changed["ETag"] != etag
    ended = client.get(f"/api/v1/jobs/{job.pk}/wait/?timeout=60")
    assert ended.status_code == 200 and ended["ETag"] == changed["ETag"]


def test_wait_polls_until_the_job_changes(api, bob, vm, monkeypatch):
    job = make_job(vm, bob)
    client = api(bob)
    etag = client.get(f"/api/v1/jobs/{job.pk}/")["ETag"]
    polls = []

    def poll(pk):  # the worker records Ganeti's progress at the third look
        polls.append(pk)
        if len(polls) == 3:
            Job.objects.filter(pk=pk).update(status=Job.Status.CANCELING)
        return watched(pk)

    watched = job_views._watched
    monkeypatch.setattr(job_views, "_watched", poll)
    monkeypatch.setattr(job_views, "POLL_EVERY", 0.01)
    answer = client.get(f"/api/v1/jobs/{job.pk}/wait/?timeout=5", HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200 and answer.json()["status"] == "canceling"
    assert len(polls) == 3


def test_wait_answers_304_when_nothing_changed_in_time(api, bob, vm, monkeypatch):
    monkeypatch.setattr(job_views, "POLL_EVERY", 0.05)
    job = make_job(vm, bob)
    client = api(bob)
    etag = client.get(f"/api/v1/jobs/{job.pk}/")["ETag"]
    answer = client.get(f"/api/v1/jobs/{job.pk}/wait/?timeout=1", HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 304 and answer["ETag"] == etag
    # Without an ETag an unfinished job is answered as it is at the timeout.
    plain = client.get(f"/api/v1/jobs/{job.pk}/wait/?timeout=0")
    assert plain.status_code == 200 and plain["ETag"] == etag
    for bad in ("61", "-1", "soon"):
        refused = client.get(f"/api/v1/jobs/{job.pk}/wait/?timeout={bad}")
        assert refused.status_code == 400 and "timeout" in refused.json()["errors"]
