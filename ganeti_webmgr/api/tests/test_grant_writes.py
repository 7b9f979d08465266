"""Granting and revoking through the API: the web's permission page's lookup, form
and audit entries, each naming the token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import grants, rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

VM_GRANTS = "/api/v1/clusters/a/vms/a1/grants/"
CLUSTER_GRANTS = "/api/v1/clusters/a/grants/"


def _holders(answer) -> dict:
    assert answer.status_code == 200, answer.content
    return {(h["kind"], h["name"]): h["permissions"] for h in answer.json()["holders"]}


def test_a_vm_admin_grants_a_permission_and_keeps_what_was_held(api, people):
    a1 = VirtualMachine.objects.get(name="a1")
    client = api(people["vm_admin"], name="grants")
    answer = client.post(
        VM_GRANTS, {"kind": "user", "name": "vm_power", "permissions": ["tags"]}, format="json"
    )
    assert _holders(answer)[("user", "vm_power")] == ["power", "tags"]
    assert sorted(grants.current(a1, people["vm_power"])) == ["power", "tags"]
    fresh = User.objects.get(username="vm_power")
    assert rules.can(fresh, "tags", a1)
    entry = Entry.objects.get(action="permission.grant")
    assert entry.message == "tags on a1 granted for vm_power"
    assert entry.actor == people["vm_admin"] and entry.via == client.token.label
    assert {t.object_repr for t in entry.targets.all()} == {"a1", "a", "vm_power"}
    # Granting what is held already changes nothing and logs nothing.
    again = client.post(
        VM_GRANTS, {"kind": "user", "name": "vm_power", "permissions": ["tags"]}, format="json"
    )
    assert again.status_code == 200
    assert Entry.objects.filter(action="permission.grant").count() == 1


def test_a_cluster_admin_grants_to_a_group_and_revokes(api, people):
    client = api(people["cluster_admin"])
    body = {"kind": "group", "name": "team", "permissions": ["create_vm", "export"]}
    assert _holders(client.post(CLUSTER_GRANTS, body, format="json"))[("group", "team")] == [
        "create_vm",
        "export",
    ]
    some = client.delete(CLUSTER_GRANTS + "?kind=group&name=team&permissions=export")
    assert _holders(some)[("group", "team")] == ["create_vm"]
    revoke = Entry.objects.get(action="permission.revoke")
    assert revoke.message == "export on a revoked for team" and revoke.via
    assert revoke.changes == {"permissions": [["export"], []]}
    every = client.delete(CLUSTER_GRANTS + "?kind=group&name=team")
    assert ("group", "team") not in _holders(every)
    assert Entry.objects.filter(action="permission.revoke").count() == 2


def test_bad_grants_are_refused_per_field(api, people):
    client = api(people["superuser"])

    def errors(body):
        answer = client.post(VM_GRANTS, body, format="json")
        assert answer.status_code == 400, answer.content
        return answer.json()["errors"]

    assert errors({"kind": "user", "name": "nobody", "permissions": ["power"]}) == {
        "name": ["There is no active user named 'nobody'."]
    }
    assert set(errors({"kind": "user", "name": "plain", "permissions": ["create_vm"]})) == {
        "permissions"
    }
    assert set(errors({"kind": "robot", "name": "plain", "permissions": ["power"]})) == {"kind"}
    assert set(errors({"kind": "user", "name": "plain", "permissions": []})) == {"permissions"}
    assert set(errors({"kind": "user", "name": "plain", "permissions": ["power"], "x": 1})) == {"x"}
    assert set(errors({"holder_kind": "user", "name": "plain", "permissions": ["power"]})) == {
        "holder_kind"
    }
    User.objects.filter(username="plain").update(is_active=False)
    assert set(errors({"kind": "user", "name": "plain", "permissions": ["power"]})) == {"name"}
    bad = client.delete(VM_GRANTS + "?kind=user&name=vm_power&permission=power")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"permission"}
    assert client.delete(VM_GRANTS + "?kind=user").status_code == 400
    assert not Entry.objects.filter(action__startswith="permission.").exists()


def test_who_may_grant_is_asked_as_on_the_web(api, people):
    body = {"kind": "user", "name": "plain", "permissions": ["power"]}
    for role, vm_status, cluster_status in (
        ("plain", 404, 404),  # sees neither
        ("vm_power", 403, 403),  # sees both, administers neither
        ("vm_admin", 200, 403),
        ("cluster_admin", 200, 200),
    ):
        client = api(people[role])
        assert client.post(VM_GRANTS, body, format="json").status_code == vm_status, role
        cluster_body = {**body, "permissions": ["tags"]}
        answer = client.post(CLUSTER_GRANTS, cluster_body, format="json")
        assert answer.status_code == cluster_status, role
    other = api(people["cluster_admin"]).post(
        "/api/v1/clusters/b/vms/b1/grants/", body, format="json"
    )
    assert other.status_code == 404
    assert api(people["vm_power"]).delete(VM_GRANTS + "?kind=user&name=plain").status_code == 403


def test_grants_on_a_read_only_cluster_may_still_be_changed(api, people):
    Cluster.objects.filter(slug="a").update(read_only=True)
    answer = api(people["cluster_admin"]).post(
        VM_GRANTS, {"kind": "group", "name": "team", "permissions": ["admin"]}, format="json"
    )
    assert _holders(answer)[("group", "team")] == ["admin", "power"]
    assert Group.objects.get(name="team")
