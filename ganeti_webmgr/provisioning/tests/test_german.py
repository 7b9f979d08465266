"""The creation wizard and the templates in German, its refusals too; what is sent
to Ganeti does not change with the language."""

from __future__ import annotations

import pytest

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.provisioning.models import VMTemplate

pytestmark = pytest.mark.django_db
CREATE = "/clusters/sim/create-vm"


def test_the_wizard_is_in_german(client, cluster, creator, german):
    client.force_login(creator)
    text = client.get(CREATE, **german).content.decode()
    assert "Virtuelle Maschine auf <a" in text and "erstellen</h1>" in text
    assert "<legend>Besitzer und Name</legend>" in text
    assert ">Arbeitsspeicher:</label>" in text
    assert '<button type="submit" name="action" value="review">Prüfen</button>' in text
    assert 'placeholder="z. B. 10G"' in text


def test_the_review_and_a_refusal_are_in_german(client, cluster, creator, wizard_data, german):
    client.force_login(creator)
    review = client.post(CREATE, wizard_data(action="review"), **german).content.decode()
    assert '<h2 id="summary">Zusammenfassung</h2>' in review
    assert "<dt>Platzierung</dt>" in review and "<dt>Disk-Template</dt><dd>diskless</dd>" in review
    refused = client.post(CREATE, wizard_data(action="review", os=""), **german)
    assert "Wählen Sie ein Betriebssystem." in refused.content.decode()


def test_a_creation_asked_in_german_is_recorded_in_english(
    client, cluster, creator, wizard_data, german
):
    client.force_login(creator)
    client.post(CREATE, wizard_data(action="create"), **german)
    job = Job.objects.get()
    assert job.operations == ["create new1.sim.test"]
    assert job.params["allocation"]["disk_template"] == "diskless"


def test_the_templates_are_in_german(client, cluster, alice, german):
    VMTemplate.objects.create(cluster=cluster, name="klein", values={})
    client.force_login(alice)
    text = client.get("/clusters/sim/templates/", **german).content.decode()
    assert "<h2>VM-Vorlagen</h2>" in text and ">VM daraus erstellen</a>" in text
