"""Actions through the API: the action layer's checks, answered as JSON."""

from __future__ import annotations

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(synced_cluster):
    return VirtualMachine.objects.filter(oper_state=True).order_by("name").first()


@pytest.fixture
def stopped(synced_cluster):
    return VirtualMachine.objects.filter(oper_state=False).order_by("name").first()


def url(vm, action="") -> str:
    tail = f"{action}/" if action else ""
    return f"/api/v1/clusters/sim/vms/{vm.name}/actions/{tail}"


def test_the_list_offers_what_the_user_may_ask_for_now_with_its_fields(api, bob, running):
    set_permissions(running, bob, ["power"])
    answer = api(bob).get(url(running))
    assert answer.status_code == 200, answer.content
    rows = {row["name"]: row for row in answer.json()["results"]}
    assert {"vm.reboot", "vm.shutdown"} <= set(rows)
    assert "vm.start" not in rows  # running already
    assert "vm.remove" not in rows and "vm.modify" not in rows  # not bob's to do
    reboot = rows["vm.reboot"]
    assert (reboot["slug"], reboot["label"], reboot["destructive"]) == ("reboot", "Reboot", False)
    [field] = reboot["fields"]
    assert field["name"] == "reboot_type" and field["type"] == "choice"
    assert field["default"] == "soft" and not field["required"]
    assert [c["value"] for c in field["choices"]] == ["soft", "hard", "full"]
    assert rows["vm.shutdown"]["destructive"] is True
    assert rows["vm.shutdown"]["fields"][0]["type"] == "integer"


def test_a_reboot_is_a_job_whose_audit_entry_names_the_token(api, bob, running):
    set_permissions(running, bob, ["power"])
    client = api(bob)
    answer = client.post(url(running, "reboot"), {"reboot_type": "hard"}, format="json")
    assert answer.status_code == 202, answer.content
    job = Job.objects.get()
    assert answer["Location"] == f"/api/v1/jobs/{job.pk}/"
    body = answer.json()
    assert (body["id"], body["status"], body["action"]) == (job.pk, "submitting", "vm.reboot")
    assert body["job_id"] is None and body["target_name"] == running.name
    assert (job.status, job.params) == ("submitting", {"reboot_type": "hard"})
    assert job.requested_by == bob
    entry = Entry.objects.get(job=job)
    assert entry.action == "vm.reboot" and entry.actor == bob
    assert entry.via == client.token.label


def test_what_the_user_may_not_see_is_404_and_what_they_may_not_do_403(
    api, bob, running, synced_cluster
):
    set_permissions(running, bob, ["tags"])  # sees it, may not power it
    client = api(bob)
    refused = client.post(url(running, "reboot"), {}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"].startswith("not allowed")
    other = VirtualMachine.objects.exclude(pk=running.pk).order_by("name").first()
    assert client.post(url(other, "reboot"), {}, format="json").status_code == 404
    assert client.get(url(other)).status_code == 404
    assert client.post(url(running, "dance"), {}, format="json").status_code == 404
    assert not Job.objects.exists()


def test_a_read_only_token_may_not_ask(api, bob, running):
    set_permissions(running, bob, ["power"])
    client = api(bob, write=False)
    assert client.get(url(running)).status_code == 200
    answer = client.post(url(running, "reboot"), {}, format="json")
    assert answer.status_code == 403 and "may only read" in answer.json()["detail"]
    assert not Job.objects.exists()


def test_invalid_parameters_are_400_per_field(api, bob, running):
    set_permissions(running, bob, ["power"])
    client = api(bob)
    bad = client.post(url(running, "reboot"), {"reboot_type": "gentle"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and list(bad.json()["errors"]) == ["reboot_type"]
    typo = client.post(url(running, "reboot"), {"reboot_kind": "hard"}, format="json")
    assert typo.status_code == 400 and typo.json()["errors"] == {"reboot_kind": ["Unknown field."]}
    number = client.post(url(running, "shutdown"), {"timeout": "soon"}, format="json")
    assert number.status_code == 400 and "timeout" in number.json()["errors"]
    flag = client.post(url(running, "reboot"), {"confirm": "yes"}, format="json")
    assert flag.status_code == 400 and "confirm" in flag.json()["errors"]
    assert not Job.objects.exists()


def test_a_destructive_action_needs_confirm(api, bob, running):
    set_permissions(running, bob, ["power"])
    client = api(bob)
    asked = client.post(url(running, "shutdown"), {"timeout": 60}, format="json")
    assert asked.status_code == 409, asked.content
    assert asked.json()["code"] == "needs_confirmation"
    assert "down until it is started again" in asked.json()["detail"]
    # Powering off at once: the action's own question.
    now = client.post(url(running, "shutdown"), {"timeout": 0}, format="json")
    assert now.status_code == 409 and "power cord" in now.json()["detail"]
    assert not Job.objects.exists()
    done = client.post(url(running, "shutdown"), {"timeout": 0, "confirm": True}, format="json")
    assert done.status_code == 202
    assert Job.objects.get().params == {"timeout": 0}


def test_what_ganeti_would_refuse_now_is_409(api, bob, stopped):
    set_permissions(stopped, bob, ["power"])
    answer = api(bob).post(url(stopped, "reboot"), {}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "unavailable"


def test_text_and_boolean_fields_reach_the_form(api, alice, stopped):
    # rename: a text field and two booleans (true: "on"; false: left out).
    answer = api(alice).post(
        url(stopped, "rename"),
        {"new_name": "renamed.sim.test", "name_check": True, "ip_check": False},
        format="json",
    )
    assert answer.status_code == 202, answer.content
    params = Job.objects.get().params
    assert (params["new_name"], params["name_check"], params.get("ip_check")) == (
        "renamed.sim.test",
        True,
        False,
    )


def test_tags_to_add_are_a_json_list_or_a_text_of_words(api, alice, stopped):
    client = api(alice)
    [tags] = [r for r in client.get(url(stopped)).json()["results"] if r["name"] == "vm.tags"]
    assert {f["name"]: f["type"] for f in tags["fields"]}["add"] == "words"
    listed = client.post(url(stopped, "tags"), {"add": ["web", "prod:eu"]}, format="json")
    assert listed.status_code == 202, listed.content
    assert Job.objects.get().params["add"] == ["prod:eu", "web"]
    Job.objects.all().delete()
    spaced = client.post(url(stopped, "tags"), {"add": "db backup"}, format="json")
    assert spaced.status_code == 202 and Job.objects.get().params["add"] == ["backup", "db"]
    for bad in ([1, 2], [["nested"]]):
        answer = client.post(url(stopped, "tags"), {"add": bad}, format="json")
        assert answer.status_code == 400
        assert answer.json()["errors"] == {"add": ["Must be a list of texts."]}
    two = client.post(url(stopped, "tags"), {"add": ["ok", "two words"]}, format="json")
    assert two.json()["errors"] == {"add": ["Each item must be one word."]}
    invalid = client.post(url(stopped, "tags"), {"add": ["ok", "what?"]}, format="json")
    assert (
        invalid.status_code == 400
        and "'what?' is not a Ganeti tag" in invalid.json()["errors"]["add"][0]
    )


def test_node_and_cluster_actions(api, alice, bob, synced_cluster):
    client = api(alice)
    nodes = client.get("/api/v1/clusters/sim/nodes/node2.sim.test/actions/")
    assert nodes.status_code == 200
    assert "node.migrate" in {row["name"] for row in nodes.json()["results"]}
    clusters = client.get("/api/v1/clusters/sim/actions/")
    names = {row["name"] for row in clusters.json()["results"]}
    assert "cluster.redistribute" in names and "vm.create" not in names
    ask = client.post("/api/v1/clusters/sim/actions/redistribute/", {}, format="json")
    assert ask.status_code == 409 and ask.json()["code"] == "needs_confirmation"
    done = client.post(
        "/api/v1/clusters/sim/actions/redistribute/", {"confirm": True}, format="json"
    )
    assert done.status_code == 202 and done.json()["target_kind"] == "cluster"
    # bob sees neither the cluster's nodes nor the cluster.
    assert api(bob).get("/api/v1/clusters/sim/actions/").status_code == 404
    bob_node = api(bob).post("/api/v1/clusters/sim/nodes/node2.sim.test/actions/migrate/")
    assert bob_node.status_code == 404


def test_every_actions_form_is_described(api, alice, running, stopped):
    client = api(alice)
    for vm in (running, stopped):
        answer = client.get(url(vm))
        assert answer.status_code == 200
        for row in answer.json()["results"]:
            assert all({"name", "type", "required", "label"} <= set(f) for f in row["fields"])
    names = {row["name"] for row in client.get(url(stopped)).json()["results"]}
    assert {"vm.start", "vm.rename", "vm.remove", "vm.modify"} <= names
