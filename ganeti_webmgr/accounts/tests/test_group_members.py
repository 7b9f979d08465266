"""/accounts/groups/<name>/members: the group's administrators and superusers."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/ops/members"


def test_it_redirects_anonymous_visitors(client, ops, charlie):
    assert client.post(URL, {"username": "charlie", "action": "add"}).status_code == 302
    assert not ops.user_set.filter(pk=charlie.pk).exists()


def test_outsiders_get_404(login, charlie, ops):
    assert login(charlie).post(URL, {"username": "charlie", "action": "add"}).status_code == 404


def test_members_get_403(login, bob, charlie, ops):
    assert login(bob).post(URL, {"username": "charlie", "action": "add"}).status_code == 403
    assert not ops.user_set.filter(pk=charlie.pk).exists()


def test_it_rejects_get(login, carol, ops):
    assert login(carol).get(URL).status_code == 405


def test_group_admins_add_members_and_it_is_logged(login, carol, charlie, ops):
    response = login(carol).post(URL, {"username": "charlie", "action": "add"})
    assert response.status_code == 302 and response.url == "/accounts/groups/ops/"
    assert ops.user_set.filter(pk=charlie.pk).exists()
    entry = last_entry("group.member_add")
    assert entry.actor == carol
    assert {t.object_repr for t in entry.targets.all()} == {"ops", "charlie"}


def test_group_admins_remove_members_and_it_is_logged(login, carol, bob, ops):
    login(carol).post(URL, {"username": "bob", "action": "remove"})
    assert not ops.user_set.filter(pk=bob.pk).exists()
    assert last_entry("group.member_remove").message == "Removed bob from group ops"


def test_admins_of_one_group_cannot_touch_another(login, carol, charlie, ops):
    from django.contrib.auth.models import Group

    Group.objects.create(name="dev").user_set.add(charlie)
    response = login(carol).post(
        "/accounts/groups/dev/members", {"username": "carol", "action": "add"}
    )
    assert response.status_code == 404


def test_superusers_manage_any_group(login, alice, charlie, ops):
    login(alice).post(URL, {"username": "charlie", "action": "add"})
    assert ops.user_set.filter(pk=charlie.pk).exists()


def test_unknown_and_inactive_users_cannot_be_added(login, carol, ops):
    User.objects.create_user("gone", is_active=False)
    client = login(carol)
    response = client.post(URL, {"username": "nobody", "action": "add"}, follow=True)
    assert "There is no active user named “nobody”." in response.content.decode()
    client.post(URL, {"username": "gone", "action": "add"})
    assert list(ops.user_set.values_list("username", flat=True)) == ["bob"]
    assert not Entry.objects.filter(action__startswith="group.").exists()


def test_adding_a_member_twice_changes_and_logs_nothing(login, carol, ops):
    response = login(carol).post(URL, {"username": "bob", "action": "add"}, follow=True)
    assert b"bob is already a member of ops." in response.content
    assert not Entry.objects.filter(action="group.member_add").exists()


def test_it_requires_a_csrf_token(carol, charlie, ops):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    assert client.post(URL, {"username": "charlie", "action": "add"}).status_code == 403
    assert not ops.user_set.filter(pk=charlie.pk).exists()


def test_an_administrator_cannot_join_the_group_and_so_gain_its_grants(login, carol, ops):
    response = login(carol).post(URL, {"username": "carol", "action": "add"}, follow=True)
    assert response.status_code == 200
    assert b"which does not make you a member" in response.content
    assert not ops.user_set.filter(pk=carol.pk).exists()
    assert not Entry.objects.filter(action="group.member_add").exists()


def test_a_superuser_may_make_an_administrator_a_member(login, alice, carol, ops):
    login(alice).post(URL, {"username": "carol", "action": "add"})
    assert ops.user_set.filter(pk=carol.pk).exists()


def test_an_administrator_who_is_a_member_may_leave(login, carol, ops):
    ops.user_set.add(carol)
    login(carol).post(URL, {"username": "carol", "action": "remove"})
    assert not ops.user_set.filter(pk=carol.pk).exists()
