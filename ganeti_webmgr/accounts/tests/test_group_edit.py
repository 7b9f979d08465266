"""/accounts/groups/<name>/edit: superusers rename and describe groups."""

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/ops/edit"


def test_it_redirects_anonymous_visitors(client, ops):
    assert client.get(URL).status_code == 302


def test_outsiders_get_404(login, charlie, ops):
    assert login(charlie).get(URL).status_code == 404


def test_members_and_group_admins_get_403(login, bob, carol, ops):
    assert login(bob).get(URL).status_code == 403
    assert login(carol).post(URL, {"name": "hacked"}).status_code == 403
    assert Group.objects.filter(name="ops").exists()


def test_it_rejects_put(login, alice, ops):
    assert login(alice).put(URL).status_code == 405


def test_it_shows_the_current_description(login, alice, ops):
    assert b"Operations" in login(alice).get(URL).content


def test_it_edits_and_logs_the_changes(login, alice, ops):
    response = login(alice).post(URL, {"name": "operations", "description": "Ops team"})
    assert response.status_code == 302 and response.url == "/accounts/groups/operations/"
    ops.refresh_from_db()
    assert ops.name == "operations"
    assert GroupProfile.objects.get(group=ops).description == "Ops team"
    entry = last_entry("group.edit")
    assert entry.changes == {
        "name": ["ops", "operations"],
        "description": ["Operations", "Ops team"],
    }


def test_it_gives_a_profile_to_groups_made_elsewhere(login, alice):
    Group.objects.create(name="legacy")
    login(alice).post("/accounts/groups/legacy/edit", {"name": "legacy", "description": "Old"})
    assert GroupProfile.objects.get(group__name="legacy").description == "Old"
    assert last_entry("group.edit").changes == {"description": ["", "Old"]}


def test_an_unchanged_form_logs_nothing(login, alice, ops):
    login(alice).post(URL, {"name": "ops", "description": "Operations"})
    assert not Entry.objects.filter(action="group.edit").exists()
