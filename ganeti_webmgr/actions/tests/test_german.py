"""Actions in German: their labels, why one is not offered, a confirmation and its
refusals are in the user's language; what is recorded (the job's operations, the
audit entry) stays in English, whatever the requester's language."""

from __future__ import annotations

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job

pytestmark = pytest.mark.django_db

PAGE = "/clusters/sim/vms/inst2.sim.test/"  # running


def test_a_confirmation_is_in_german_and_the_record_in_english(
    client, alice, synced_cluster, german
):
    client.force_login(alice)
    asked = client.post(PAGE + "shutdown", {"timeout": "0"}, **german)
    text = asked.content.decode()
    assert '<h1 id="confirm-heading">Herunterfahren: inst2.sim.test?</h1>' in text
    assert "wird sofort ausgeschaltet, als zöge man den Netzstecker" in text
    assert "GWM beauftragt Ganeti: inst2.sim.test sofort ausschalten." in text
    assert '<button type="submit" class="danger">Ja, Herunterfahren</button>' in text
    assert not Job.objects.exists()
    done = client.post(PAGE + "shutdown", {"timeout": "0", "confirmed": "yes"}, **german)
    job = Job.objects.get()
    assert job.operations == ["power off inst2.sim.test at once"]
    assert Entry.objects.get(job=job).message == "power off inst2.sim.test at once"
    shown = client.get(done.url, **german).content.decode()
    assert "Angefordert: inst2.sim.test sofort ausschalten. GWM übergibt" in shown


def test_an_action_not_possible_now_says_why_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    page = client.get(PAGE + "start", **german)
    assert page.status_code == 409
    assert "Jetzt nicht: die VM läuft." in page.content.decode()


def test_a_form_and_its_errors_are_in_german(client, alice, synced_cluster, german):
    client.force_login(alice)
    form = client.get(PAGE + "modify", **german).content.decode()
    assert ">Arbeitsspeicher (MiB):</label>" in form
    assert ">Netzwerkkarte hinzufügen:</label>" in form
    stopped_only = client.get(PAGE + "rename", **german).content.decode()
    assert "Jetzt nicht: Ganeti benennt nur gestoppte VMs um: fahren Sie sie zuerst herunter." in (
        stopped_only
    )
    refused = client.post(PAGE + "remove", {"confirm_name": "nope"}, **german)
    assert refused.status_code == 400
    assert "Geben Sie genau inst2.sim.test ein." in refused.content.decode()
    assert not Job.objects.exists()


def test_english_stays_the_default(client, alice, synced_cluster):
    client.force_login(alice)
    text = client.post(PAGE + "shutdown", {"timeout": "0"}).content.decode()
    assert '<button type="submit" class="danger">Yes, shut down</button>' in text
    assert "GWM will ask Ganeti to power off inst2.sim.test at once." in text
