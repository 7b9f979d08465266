"""/accounts/groups/new: superusers create groups."""

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.accounts.tests.conftest import last_entry

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/new"


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302


def test_it_is_forbidden_to_others(login, carol, ops):
    assert login(carol).get(URL).status_code == 403
    assert login(carol).post(URL, {"name": "dev"}).status_code == 403
    assert not Group.objects.filter(name="dev").exists()


def test_it_rejects_put(login, alice):
    assert login(alice).put(URL).status_code == 405


def test_it_creates_a_group_and_logs_it(login, alice):
    response = login(alice).post(URL, {"name": "dev", "description": "Developers"})
    assert response.status_code == 302 and response.url == "/accounts/groups/dev/"
    group = Group.objects.get(name="dev")
    assert GroupProfile.objects.get(group=group).description == "Developers"
    entry = last_entry("group.create")
    assert entry.changes == {"name": [None, "dev"], "description": [None, "Developers"]}
    assert [t.object_repr for t in entry.targets.all()] == ["dev"]


def test_it_refuses_names_unfit_for_urls_or_ganeti_tags_and_duplicates(login, alice, ops):
    client = login(alice)
    for name in ("a/b", "Ops Team", "x" * 101, "tag:colon", "OPS"):
        assert "name" in client.post(URL, {"name": name}).context["form"].errors, name
    assert Group.objects.count() == 1
