"""/accounts/groups/<name>/admins: superusers name a group's administrators."""

import pytest

from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.accounts.tests.conftest import last_entry

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/ops/admins"


def admins(group):
    return sorted(GroupProfile.of(group).admins.values_list("username", flat=True))


def test_it_redirects_anonymous_visitors(client, ops):
    assert client.post(URL, {"username": "bob", "action": "add"}).status_code == 302


def test_outsiders_get_404(login, charlie, ops):
    assert login(charlie).post(URL, {"username": "charlie", "action": "add"}).status_code == 404


def test_group_admins_and_members_get_403(login, bob, carol, ops):
    assert login(carol).post(URL, {"username": "bob", "action": "add"}).status_code == 403
    assert login(bob).post(URL, {"username": "bob", "action": "add"}).status_code == 403
    assert admins(ops) == ["carol"]


def test_it_rejects_get(login, alice, ops):
    assert login(alice).get(URL).status_code == 405


def test_it_adds_an_admin_and_logs_it(login, alice, bob, ops):
    response = login(alice).post(URL, {"username": "bob", "action": "add"})
    assert response.status_code == 302
    assert admins(ops) == ["bob", "carol"]
    entry = last_entry("group.admin_add")
    assert {t.object_repr for t in entry.targets.all()} == {"ops", "bob"}


def test_it_removes_an_admin_and_logs_it(login, alice, ops):
    login(alice).post(URL, {"username": "carol", "action": "remove"})
    assert admins(ops) == []
    assert last_entry("group.admin_remove").actor == alice


def test_it_gives_a_profile_to_groups_made_elsewhere(login, alice, bob):
    from django.contrib.auth.models import Group

    legacy = Group.objects.create(name="legacy")
    login(alice).post("/accounts/groups/legacy/admins", {"username": "bob", "action": "add"})
    assert admins(legacy) == ["bob"]
