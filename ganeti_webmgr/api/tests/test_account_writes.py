"""Changing users and groups through the API: the web's forms, rules and audit codes,
each change naming the token it came through."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def _entry(action: str) -> Entry:
    return Entry.objects.get(action=action)


def _errors(answer) -> dict:
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["code"] == "invalid"
    return body["errors"]


@pytest.fixture
def team_admin(people):
    """plain administers the group "team" (whose member is via_group)."""
    GroupProfile.of(Group.objects.get(name="team")).admins.add(people["plain"])
    return people["plain"]


# -- users --------------------------------------------------------------------------
def test_a_superuser_creates_a_user_with_a_password_the_site_accepts(api, people):
    client = api(people["superuser"], name="provisioning")
    answer = client.post(
        "/api/v1/users/",
        {"username": "dora", "password": "a-Long-pass-9", "email": "dora@example.org"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer["Location"] == "/api/v1/users/dora/"
    body = answer.json()
    assert (body["username"], body["email"], body["active"], body["superuser"]) == (
        "dora",
        "dora@example.org",
        True,
        False,
    )
    assert "password" not in body
    dora = User.objects.get(username="dora")
    assert dora.check_password("a-Long-pass-9")
    entry = _entry("user.create")
    assert entry.actor == people["superuser"] and entry.message == "Created user dora"
    assert entry.via == client.token.label and "provisioning" in entry.via
    assert "password" not in str(entry.changes)


def test_a_new_user_is_refused_per_field_as_the_web_form_refuses(api, people):
    client = api(people["superuser"])
    errors = _errors(
        client.post("/api/v1/users/", {"username": "plain", "password": "dora"}, format="json")
    )
    assert set(errors) == {"username", "password"}
    assert any("too short" in e for e in errors["password"])
    assert _errors(client.post("/api/v1/users/", {"username": "x"}, format="json")) == {
        "password": ["This field is required."]
    }
    typo = client.post("/api/v1/users/", {"username": "x", "pasword": "y"}, format="json")
    assert "pasword" in _errors(typo)
    # The form's own names of renamed fields are not the API's.
    own = client.post(
        "/api/v1/users/", {"username": "x", "password": "y", "is_superuser": True}, format="json"
    )
    assert _errors(own) == {"is_superuser": ["Unknown field."]}
    assert not Entry.objects.filter(action="user.create").exists()
    assert client.post("/api/v1/users/", [1, 2], format="json").status_code == 400


def test_only_those_who_manage_users_create_or_change_them(api, people):
    for role in ("plain", "cluster_admin", "vm_admin"):
        client = api(people[role])
        assert client.post("/api/v1/users/", {}, format="json").status_code == 403
        # 403 before the lookup: nothing said about which users exist.
        assert client.patch("/api/v1/users/nobody/", {}, format="json").status_code == 403
        assert (
            client.patch(f"/api/v1/users/{role}/", {"email": ""}, format="json").status_code == 403
        )
    assert api(people["superuser"]).patch("/api/v1/users/nobody/", {}).status_code == 404


def test_a_read_only_token_changes_nothing(api, people):
    client = api(people["superuser"], write=False)
    answer = client.post("/api/v1/users/", {"username": "x", "password": "a-Long-pass-9"})
    assert answer.status_code == 403 and "only read" in answer.json()["detail"]
    assert client.delete("/api/v1/groups/team/").status_code == 403
    assert Group.objects.filter(name="team").exists()


def test_patch_changes_only_the_fields_sent_and_logs_them(api, people):
    client = api(people["superuser"])
    answer = client.patch(
        "/api/v1/users/plain/", {"first_name": "Pia", "superuser": True}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["first_name"], answer.json()["superuser"]) == ("Pia", True)
    plain = User.objects.get(username="plain")
    assert plain.is_superuser and plain.email == "plain@example.org" and plain.is_active
    entry = _entry("user.edit")
    assert entry.changes == {"first_name": ["", "Pia"], "is_superuser": [False, True]}
    assert entry.via == client.token.label
    # Nothing changed: no entry.
    assert (
        client.patch("/api/v1/users/plain/", {"first_name": "Pia"}, format="json").status_code
        == 200
    )
    assert Entry.objects.filter(action="user.edit").count() == 1


def test_patch_renames_and_keeps_the_web_forms_rules(api, people):
    me = people["superuser"]
    client = api(me)
    renamed = client.patch("/api/v1/users/plain/", {"username": "pia"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["url"] == "/api/v1/users/pia/"
    taken = client.patch("/api/v1/users/pia/", {"username": "VM_POWER"}, format="json")
    assert "username" in _errors(taken)
    assert _errors(client.patch("/api/v1/users/pia/", {"email": "nope"}, format="json")) == {
        "email": ["Enter a valid email address."]
    }
    # Locking yourself out: refused as on the web.
    errors = _errors(
        client.patch(
            "/api/v1/users/superuser/", {"active": False, "superuser": False}, format="json"
        )
    )
    assert set(errors) == {"active", "superuser"}
    assert _errors(client.patch("/api/v1/users/pia/", {"is_staff": True}, format="json")) == {
        "is_staff": ["Unknown field."]
    }
    assert _errors(client.patch("/api/v1/users/pia/", {"active": "no"}, format="json")) == {
        "active": ["Must be true or false."]
    }


def test_deactivating_needs_confirmation_and_is_logged(api, people):
    client = api(people["superuser"])
    url = "/api/v1/users/plain/deactivate/"
    asked = client.post(url, {}, format="json")
    assert asked.status_code == 409 and asked.json()["code"] == "needs_confirmation"
    done = client.post(url, {"confirm": True}, format="json")
    assert done.status_code == 200 and done.json()["active"] is False
    entry = _entry("user.deactivate")
    assert entry.changes == {"is_active": [True, False]} and entry.via
    assert client.post(url, {"confirm": True}, format="json").status_code == 200  # already
    assert Entry.objects.filter(action="user.deactivate").count() == 1
    myself = client.post("/api/v1/users/superuser/deactivate/", {"confirm": True}, format="json")
    assert myself.status_code == 403 and "yourself" in myself.json()["detail"]
    assert client.post(url, {"confirm": "yes"}, format="json").status_code == 400
    assert api(people["cluster_admin"]).post(url, {"confirm": True}).status_code == 403
    assert client.post("/api/v1/users/nobody/deactivate/", {"confirm": True}).status_code == 404


# -- groups -------------------------------------------------------------------------
def test_a_superuser_creates_renames_and_deletes_a_group(api, people):
    client = api(people["superuser"])
    made = client.post("/api/v1/groups/", {"name": "ops", "description": "Night"}, format="json")
    assert made.status_code == 201, made.content
    assert made["Location"] == "/api/v1/groups/ops/" and made.json()["description"] == "Night"
    assert _entry("group.create").changes == {
        "name": [None, "ops"],
        "description": [None, "Night"],
    }
    assert "name" in _errors(client.post("/api/v1/groups/", {"name": "OPS"}, format="json"))
    assert "name" in _errors(client.post("/api/v1/groups/", {"name": "a b"}, format="json"))
    renamed = client.patch("/api/v1/groups/ops/", {"name": "night-ops"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["description"] == "Night"
    assert _entry("group.edit").changes == {"name": ["ops", "night-ops"]}
    assert client.delete("/api/v1/groups/night-ops/").status_code == 204
    assert not Group.objects.filter(name="night-ops").exists()
    entry = _entry("group.delete")
    assert entry.message == "Deleted group night-ops" and entry.via
    assert [t.object_repr for t in entry.targets.all()] == ["night-ops"]


def test_a_group_that_owns_vms_is_not_deleted(api, people):
    team = Group.objects.get(name="team")
    VirtualMachine.objects.filter(name="a1").update(owner_group=team)
    answer = api(people["superuser"]).delete("/api/v1/groups/team/")
    assert answer.status_code == 409 and answer.json()["code"] == "owns_vms"
    assert Group.objects.filter(name="team").exists()
    assert not Entry.objects.filter(action="group.delete").exists()


def test_a_group_that_a_creation_under_way_will_own_is_not_deleted(api, people):
    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.jobs.models import Job
    from ganeti_webmgr.provisioning.models import CreationRequest

    team = Group.objects.get(name="team")
    cluster = Cluster.objects.get(slug="a")
    job = Job.objects.create(cluster=cluster, status="submitting", action="vm.create")
    request = CreationRequest.objects.create(cluster=job.cluster, owner_group=team, names=["n"])
    request.jobs.add(job)
    answer = api(people["superuser"]).delete("/api/v1/groups/team/")
    assert answer.status_code == 409 and answer.json()["code"] == "owns_vms"
    Job.objects.filter(pk=job.pk).update(finished=True, status="error")
    assert api(people["superuser"]).delete("/api/v1/groups/team/").status_code == 204


def test_group_changes_follow_the_webs_404_403_split(api, people, team_admin):
    admin, member = api(team_admin), api(people["via_group"])
    outsider = api(people["cluster_admin"])
    assert admin.post("/api/v1/groups/", {"name": "x"}, format="json").status_code == 403
    for client, status in ((admin, 403), (member, 403), (outsider, 404)):
        assert (
            client.patch("/api/v1/groups/team/", {"name": "y"}, format="json").status_code == status
        )
        assert client.delete("/api/v1/groups/team/").status_code == status
        assert client.post("/api/v1/groups/team/admins/", {"username": "bob"}).status_code == status
    assert outsider.post("/api/v1/groups/team/members/", {"username": "x"}).status_code == 404
    assert member.post("/api/v1/groups/team/members/", {"username": "x"}).status_code == 403


def test_a_group_administrator_adds_and_removes_members_but_not_themself(api, people, team_admin):
    client = api(team_admin)
    added = client.post("/api/v1/groups/team/members/", {"username": "vm_power"}, format="json")
    assert added.status_code == 200, added.content
    assert added.json()["members"] == ["via_group", "vm_power"]
    entry = _entry("group.member_add")
    assert entry.message == "Added vm_power to group team" and entry.via
    again = client.post("/api/v1/groups/team/members/", {"username": "vm_power"}, format="json")
    assert again.status_code == 200
    assert Entry.objects.filter(action="group.member_add").count() == 1
    myself = client.post("/api/v1/groups/team/members/", {"username": "plain"}, format="json")
    assert myself.status_code == 403 and "does not make you a member" in myself.json()["detail"]
    assert _errors(
        client.post("/api/v1/groups/team/members/", {"username": "nobody"}, format="json")
    ) == {"username": ["There is no active user named “nobody”."]}
    assert "action" in _errors(
        client.post(
            "/api/v1/groups/team/members/", {"username": "x", "action": "add"}, format="json"
        )
    )
    removed = client.delete("/api/v1/groups/team/members/vm_power/")
    assert removed.status_code == 200 and removed.json()["members"] == ["via_group"]
    assert _entry("group.member_remove").message == "Removed vm_power from group team"
    gone = client.delete("/api/v1/groups/team/members/vm_power/")
    assert gone.status_code == 404 and "not a member" in gone.json()["detail"]


def test_a_superuser_names_and_removes_group_administrators(api, people):
    client = api(people["superuser"])
    named = client.post("/api/v1/groups/team/admins/", {"username": "plain"}, format="json")
    assert named.status_code == 200 and named.json()["admins"] == ["plain"]
    assert _entry("group.admin_add").message == "Made plain an administrator of group team"
    # A superuser may add themself as a member (administrators may not).
    mine = client.post("/api/v1/groups/team/members/", {"username": "superuser"}, format="json")
    assert mine.status_code == 200 and "superuser" in mine.json()["members"]
    removed = client.delete("/api/v1/groups/team/admins/plain/")
    assert removed.status_code == 200 and removed.json()["admins"] == []
    assert _entry("group.admin_remove").via
    assert client.delete("/api/v1/groups/team/admins/plain/").status_code == 404


def test_a_new_member_holds_the_groups_grants_at_once(api, people):
    a1 = VirtualMachine.objects.get(name="a1")
    set_permissions(Cluster.objects.get(slug="a"), Group.objects.get(name="team"), ["admin"])
    client = api(people["superuser"])
    assert (
        client.post(
            "/api/v1/groups/team/members/", {"username": "plain"}, format="json"
        ).status_code
        == 200
    )
    assert api(people["plain"]).get(f"/api/v1/clusters/a/vms/{a1.name}/").status_code == 200
