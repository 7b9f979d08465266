"""/accounts/groups/export: the groups a user may see, as the list filters them, with
what their pages show (members, administrators), and nothing of the others."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.accounts.models import GroupProfile

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/export"


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def hidden(db, charlie):
    group = Group.objects.create(name="secret")
    group.user_set.add(charlie)
    GroupProfile.objects.create(group=group, description="not yours")
    return group


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302


def test_superusers_export_every_group(login, alice, ops, hidden):
    response = login(alice).get(URL)
    assert response["Content-Disposition"] == 'attachment; filename="groups.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [r["name"] for r in rows] == ["ops", "secret"]
    assert rows[0] == {
        "name": "ops",
        "description": "Operations",
        "members": "bob",
        "administrators": "carol",
        "member_count": "1",
    }


@pytest.mark.parametrize("who", ["bob", "carol", "charlie"])
def test_others_export_only_the_groups_they_may_see(login, request, ops, hidden, who):
    user = request.getfixturevalue(who)
    data = json.loads(body(login(user).get(URL, {"format": "json"})))
    expected = {"bob": ["ops"], "carol": ["ops"], "charlie": ["secret"]}[who]
    assert [g["name"] for g in data] == expected
    text = json.dumps(data)
    if who != "charlie":
        assert "secret" not in text and "not yours" not in text and "charlie" not in text


def test_the_export_keeps_the_lists_filters(login, alice, ops, hidden):
    data = json.loads(body(login(alice).get(URL, {"member": "charlie", "format": "json"})))
    assert data == [
        {
            "name": "secret",
            "description": "not yours",
            "members": ["charlie"],
            "administrators": [],
            "member_count": 1,
        }
    ]


def test_a_group_without_a_profile_exports_too(login, alice, db):
    Group.objects.create(name="bare")
    [row] = json.loads(body(login(alice).get(URL, {"format": "json"})))
    assert row["description"] == "" and row["administrators"] == []


def test_an_unknown_format_is_a_clear_error(login, alice):
    assert login(alice).get(URL, {"format": "pdf"}).status_code == 400
