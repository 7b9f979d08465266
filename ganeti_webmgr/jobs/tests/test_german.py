"""Job pages in German: the list, the job page, cancelling; Ganeti's statuses and its
summaries of a job's operations stay as Ganeti gave them, and the log in English."""

from __future__ import annotations

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(synced_cluster, alice):
    return Job.objects.create(
        cluster=synced_cluster,
        job_id=7,
        status="queued",
        operations=["INSTANCE_STARTUP(inst1.sim.test)"],
        target_name="inst1.sim.test",
        requested_by=alice,
    )


def test_the_job_list_is_in_german(client, alice, job, german):
    client.force_login(alice)
    text = client.get("/jobs/", **german).content.decode()
    assert "<h1>Jobs</h1>" in text and ">Begonnen</a>" in text
    assert '<option value="active">nicht beendet</option>' in text
    assert '<option value="queued">queued</option>' in text  # Ganeti's status
    assert "<td>INSTANCE_STARTUP(inst1.sim.test)</td>" in text


def test_the_job_page_is_in_german(client, alice, job, german):
    client.force_login(alice)
    text = client.get("/clusters/sim/jobs/7/", **german).content.decode()
    assert 'Job 7 auf <a href="/clusters/sim/">sim</a>' in text
    assert "<dt>Gestartet von</dt><dd>alice</dd>" in text
    assert '<span class="state state-queued">queued</span>' in text
    assert ">Job abbrechen</button>" in text and "Noch keine Meldungen." in text


def test_cancelling_says_so_in_german_and_logs_in_english(client, alice, job, german):
    client.force_login(alice)
    page = client.post("/clusters/sim/jobs/7/cancel", follow=True, **german)
    assert "Abbruch angefordert: GWM bittet Ganeti, Job 7 abzubrechen." in page.content.decode()
    assert Entry.objects.get(action="job.cancel").message == "cancel requested for job 7"
