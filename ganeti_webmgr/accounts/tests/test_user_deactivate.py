"""/accounts/users/<username>/deactivate: superusers deactivate (never delete) users."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/users/bob/deactivate"


def test_it_redirects_anonymous_visitors(client, bob):
    assert client.post(URL, {"confirm": "yes"}).status_code == 302
    assert User.objects.get(pk=bob.pk).is_active


def test_it_is_forbidden_to_plain_users(login, bob, charlie):
    assert login(charlie).post(URL, {"confirm": "yes"}).status_code == 403
    assert User.objects.get(pk=bob.pk).is_active


def test_it_rejects_get(login, alice, bob):
    assert login(alice).get(URL).status_code == 405


def test_it_is_404_for_an_unknown_user(login, alice):
    assert login(alice).post("/accounts/users/x/deactivate", {"confirm": "yes"}).status_code == 404


def test_it_deactivates_and_logs_it(login, alice, bob, client):
    response = login(alice).post(URL, {"confirm": "yes"})
    assert response.status_code == 302 and response.url == "/accounts/users/bob/"
    assert not User.objects.get(pk=bob.pk).is_active
    entry = last_entry("user.deactivate")
    assert entry.actor == alice and entry.changes == {"is_active": [True, False]}
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_a_deactivated_users_session_ends(login, alice, bob, client):
    from django.test import Client

    bobs = Client()
    bobs.force_login(bob)
    login(alice).post(URL, {"confirm": "yes"})
    assert bobs.get("/").status_code == 302


def test_it_wants_a_confirmation(login, alice, bob):
    response = login(alice).post(URL, follow=True)
    assert b"Tick the box" in response.content
    assert User.objects.get(pk=bob.pk).is_active
    assert not Entry.objects.filter(action="user.deactivate").exists()


def test_superusers_cannot_deactivate_themselves(login, alice):
    login(alice).post("/accounts/users/alice/deactivate", {"confirm": "yes"})
    assert User.objects.get(pk=alice.pk).is_active
