"""Logins, logouts and failed logins are logged (from Django's auth signals)."""

import pytest

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


def test_it_logs_a_login_with_the_source_address(client, bob):
    response = client.post(
        "/accounts/login/",
        {"username": "bob", "password": "bob-password-1"},
        REMOTE_ADDR="198.51.100.23",
    )
    assert response.status_code == 302
    entry = Entry.objects.get(action="user.login")
    assert (entry.actor, entry.actor_name, entry.source_ip) == (bob, "bob", "198.51.100.23")
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_it_logs_a_logout(client, bob):
    client.force_login(bob)
    client.post("/accounts/logout/")
    entry = Entry.objects.get(action="user.logout")
    assert entry.actor == bob


def test_it_logs_a_failed_login_with_the_name_tried_but_never_the_password(client, bob):
    client.post(
        "/accounts/login/",
        {"username": "bob", "password": "Tr0ub4dor&3-wrong"},
        REMOTE_ADDR="203.0.113.9",
    )
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.actor is None and entry.actor_name == ""
    assert entry.source_ip == "203.0.113.9"
    assert entry.message == "Failed login as 'bob'"
    # bob's log shows the attempt on his account
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]
    row = str(Entry.objects.filter(pk=entry.pk).values().get())
    assert "Tr0ub4dor" not in row
    assert not Entry.objects.filter(action="user.login").exists()


def test_a_failed_login_for_a_name_nobody_has_names_no_user(client, db):
    client.post("/accounts/login/", {"username": "mallory", "password": "x"})
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.message == "Failed login as 'mallory'"
    assert not entry.targets.exists()


def test_logging_out_without_a_session_logs_nothing(client, db):
    client.post("/accounts/logout/")
    assert not Entry.objects.exists()
