"""/accounts/users/<username>/edit: superusers edit users (never their password hash)."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/users/bob/edit"


def form(**changes):
    data = {
        "username": "bob",
        "first_name": "",
        "last_name": "",
        "email": "bob@example.org",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_it_redirects_anonymous_visitors(client, bob):
    assert client.get(URL).status_code == 302


def test_it_is_forbidden_to_plain_users(login, bob, charlie):
    assert login(charlie).get(URL).status_code == 403
    assert login(bob).post(URL, form(is_superuser="on")).status_code == 403
    assert not User.objects.get(username="bob").is_superuser


def test_it_rejects_put(login, alice, bob):
    assert login(alice).put(URL).status_code == 405


def test_it_is_404_for_an_unknown_user(login, alice):
    assert login(alice).get("/accounts/users/nobody/edit").status_code == 404


def test_it_edits_and_logs_the_changes(login, alice, bob):
    response = login(alice).post(URL, form(first_name="Robert", is_superuser="on"))
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.first_name == "Robert" and bob.is_superuser
    entry = last_entry("user.edit")
    assert entry.changes == {"first_name": ["", "Robert"], "is_superuser": [False, True]}
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_it_reactivates_a_user(login, alice, bob):
    User.objects.filter(pk=bob.pk).update(is_active=False)
    login(alice).post(URL, form())
    assert User.objects.get(pk=bob.pk).is_active
    assert last_entry("user.edit").changes == {"is_active": [False, True]}


def test_an_unchanged_form_logs_nothing(login, alice, bob):
    login(alice).post(URL, form())
    assert not Entry.objects.filter(action="user.edit").exists()


def test_superusers_cannot_lock_themselves_out(login, alice):
    response = login(alice).post(
        "/accounts/users/alice/edit",
        {"username": "alice", "email": "alice@example.org"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "is_active" in errors and "is_superuser" in errors
    alice.refresh_from_db()
    assert alice.is_active and alice.is_superuser


def test_user_names_stay_unique_whatever_their_case(login, alice, bob, charlie):
    response = login(alice).post(URL, form(username="Charlie"))
    assert "username" in response.context["form"].errors
