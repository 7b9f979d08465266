"""/accounts/profile/: users edit their own name and e-mail."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302


def test_it_rejects_put(login, bob):
    assert login(bob).put(URL).status_code == 405


def test_it_shows_the_users_own_details(login, bob):
    response = login(bob).get(URL)
    assert response.status_code == 200
    assert b'value="bob@example.org"' in response.content
    assert b'<label for="id_email">' in response.content


def test_it_saves_and_logs_the_changes(login, bob):
    response = login(bob).post(
        URL, {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.org"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.get_full_name() == "Bob Builder"
    entry = last_entry("profile.edit")
    assert entry.changes == {"first_name": ["", "Bob"], "last_name": ["", "Builder"]}
    assert entry.actor == bob


def test_it_cannot_touch_anything_else(login, bob):
    login(bob).post(
        URL,
        {
            "first_name": "",
            "last_name": "",
            "email": "bob@example.org",
            "is_superuser": "on",
            "username": "root",
        },
    )
    bob = User.objects.get(pk=bob.pk)
    assert bob.username == "bob" and not bob.is_superuser


def test_it_rejects_a_bad_address_next_to_the_field(login, bob):
    response = login(bob).post(URL, {"email": "not an address"})
    assert "email" in response.context["form"].errors
    assert not Entry.objects.filter(action="profile.edit").exists()
