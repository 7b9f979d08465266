"""/accounts/users/export: the filtered user list as CSV or JSON, for superusers."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/users/export"


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def users(db, ops):
    User.objects.create_user("user10", "=cmd@example.org", first_name="Ten").groups.add(ops)
    User.objects.create_user("user2", is_active=False)


def test_it_is_forbidden_to_everyone_but_superusers(login, bob, carol, users):
    for who in (bob, carol):
        assert login(who).get(URL).status_code == 403


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302


def test_it_exports_the_filtered_list_in_its_order_as_csv(login, alice, users):
    response = login(alice).get(URL, {"q": "user", "sort": "-username"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="users.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [r["username"] for r in rows] == ["user10", "user2"]
    assert rows[0]["groups"] == "ops" and rows[0]["first_name"] == "Ten"
    assert rows[0]["email"] == "'=cmd@example.org"  # a spreadsheet shows it, not runs it
    assert rows[1]["active"] == "False"
    assert "password" not in rows[0]


def test_it_exports_json_with_the_filters_of_the_list(login, alice, bob, users):
    response = login(alice).get(URL, {"group": "ops", "format": "json"})
    data = json.loads(body(response))
    assert [u["username"] for u in data] == ["bob", "user10"]
    assert data[1]["groups"] == ["ops"] and data[1]["ssh_keys"] == 0
    assert set(data[0]) == {
        "username",
        "first_name",
        "last_name",
        "email",
        "groups",
        "active",
        "superuser",
        "ssh_keys",
        "last_login",
        "created",
    }


def test_an_unknown_format_is_a_clear_error(login, alice):
    response = login(alice).get(URL, {"format": "xls"})
    assert response.status_code == 400 and b"csv or json" in response.content


def test_an_invalid_filter_exports_nothing(login, alice, users):
    response = login(alice).get(URL, {"group": "nowhere", "format": "json"})
    assert json.loads(body(response)) == []


def test_chunks_keep_the_lists_order(login, alice, db, monkeypatch):
    monkeypatch.setattr("ganeti_webmgr.accounts.views.users.EXPORT_CHUNK", 2)
    for n in (3, 1, 20, 2, 10):
        User.objects.create_user(f"c{n}")
    rows = json.loads(body(login(alice).get(URL, {"q": "c", "format": "json"})))
    names = [r["username"] for r in rows if r["username"].startswith("c")]
    assert names == ["c1", "c2", "c3", "c10", "c20"]
