"""Users, groups and /me/ through the API: scoped as their web pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.quotas.models import Quota
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def _results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_it_lists_users_by_name_with_the_web_filters(api, people):
    client = api(people["superuser"])
    names = [u["username"] for u in _results(client.get("/api/v1/users/"))]
    assert names == sorted(names) and "plain" in names
    team = _results(client.get("/api/v1/users/", {"group": "team"}))
    assert [u["username"] for u in team] == ["via_group"] and team[0]["groups"] == ["team"]
    supers = _results(client.get("/api/v1/users/", {"superuser": "yes"}))
    assert [u["username"] for u in supers] == ["superuser"]
    assert client.get("/api/v1/users/", {"active": "maybe"}).status_code == 400


def test_it_pages_users_by_cursor(api, people):
    client = api(people["superuser"])
    first = client.get("/api/v1/users/", {"limit": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    seen = [u["username"] for u in first["results"] + second["results"]]
    assert len(set(seen)) == 4


def test_a_user_sees_themself_and_no_one_else(api, people):
    client = api(people["plain"])
    me = client.get("/api/v1/users/plain/")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "plain" and body["administers"] == [] and body["ssh_keys"] == 0
    assert client.get("/api/v1/users/superuser/").status_code == 403
    assert client.get("/api/v1/users/").status_code == 403


def test_groups_are_seen_by_members_and_admins_with_their_members(api, people):
    team = Group.objects.get(name="team")
    profile = GroupProfile.objects.create(group=team, description="Ops")
    profile.admins.add(people["plain"])
    Group.objects.create(name="hidden")
    listed = _results(api(people["plain"]).get("/api/v1/groups/"))
    assert [g["name"] for g in listed] == ["team"]
    detail = api(people["via_group"]).get("/api/v1/groups/team/").json()
    assert detail == {
        "name": "team",
        "url": "/api/v1/groups/team/",
        "description": "Ops",
        "member_count": 1,
        "members": ["via_group"],
        "admins": ["plain"],
    }
    assert api(people["vm_power"]).get("/api/v1/groups/team/").status_code == 404
    assert api(people["plain"]).get("/api/v1/groups/hidden/").status_code == 404
    everyone = _results(api(people["superuser"]).get("/api/v1/groups/", {"member": "via_group"}))
    assert [g["name"] for g in everyone] == ["team"]


def test_me_shows_groups_token_and_quota_usage(api, people):
    user = people["via_group"]
    a = Cluster.objects.get(slug="a")
    vm = VirtualMachine.objects.get(name="a1")
    vm.owner_user, vm.memory, vm.vcpus, vm.disk_size, vm.oper_state = user, 512, 2, 1024, True
    vm.save()
    holdings.refresh(a, [user])
    Quota.objects.create(cluster=a, owner_user=user, ram=256, disk=None, vcpus=4, vms=3)
    client = api(user, write=False, name="laptop")
    body = client.get("/api/v1/me/").json()
    assert body["username"] == "via_group" and body["groups"] == ["team"]
    assert body["token"]["name"] == "laptop" and body["token"]["write"] is False
    assert body["quotas"] == [
        {
            "cluster": "a",
            "used": {"ram": 512, "disk": 1024, "vcpus": 2, "vms": 1},
            "limits": {"ram": 256, "disk": None, "vcpus": 4, "vms": 3},
            "own_quota": True,
            "over": ["ram"],
        }
    ]


def test_me_answers_304_to_its_etag(api, people):
    client = api(people["plain"])
    first = client.get("/api/v1/me/")
    again = client.get("/api/v1/me/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_an_inactive_users_token_is_refused(api, people):
    client = api(people["plain"])
    User.objects.filter(username="plain").update(is_active=False)
    assert client.get("/api/v1/me/").status_code == 401


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_rows(names) -> None:
    """A user in a group they administer, and a log entry naming both, per name."""
    for name in names:
        user = User.objects.create_user(name)
        group = Group.objects.create(name=name)
        user.groups.add(group)
        GroupProfile.objects.create(group=group).admins.add(user)
        audit.record("cluster.edit", actor=user, targets=[group, user])


@pytest.mark.parametrize("url", ["/api/v1/users/", "/api/v1/groups/", "/api/v1/log/"])
def test_a_lists_queries_do_not_grow_with_its_rows(api, people, url):
    client = api(people["superuser"])
    _add_rows(["extra"])
    _queries(client, url)  # the token's first use is noted once
    before = _queries(client, url)
    _add_rows([f"extra{n}" for n in range(5)])
    assert _queries(client, url) == before
