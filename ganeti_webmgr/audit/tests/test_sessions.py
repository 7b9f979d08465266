"""Logins, logouts and failed logins are logged (from Django's auth signals)."""

import random
import string
from datetime import timedelta

import pytest
from django.utils import timezone

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


def test_it_logs_a_failed_login_naming_the_user_but_never_the_password(client, bob):
    client.post(
        "/accounts/login/",
        {"username": "bob", "password": "Tr0ub4dor&3-wrong"},
        REMOTE_ADDR="203.0.113.9",
    )
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.actor is None and entry.actor_name == ""
    assert entry.source_ip == "203.0.113.9"
    assert entry.message == "Failed login"
    # bob's log shows the attempt on his account
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]
    row = str(Entry.objects.filter(pk=entry.pk).values().get())
    assert "Tr0ub4dor" not in row
    assert not Entry.objects.filter(action="user.login").exists()


def test_a_failed_login_for_a_name_nobody_has_keeps_no_name(client, db):
    client.post("/accounts/login/", {"username": "hunter2-typed-here", "password": "x"})
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.message == "Failed login with an unknown user name"
    assert "hunter2" not in str(Entry.objects.filter(pk=entry.pk).values().get())
    assert not entry.targets.exists()


def test_failures_within_the_hour_share_one_entry_that_counts_them(client, bob):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "bob", "password": "x"})
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.message.startswith("3 failed logins, the last at ")


def test_an_hour_later_failures_start_a_new_entry(client, bob):
    client.post("/accounts/login/", {"username": "bob", "password": "x"})
    Entry.objects.update(time=timezone.now() - timedelta(minutes=61))
    client.post("/accounts/login/", {"username": "bob", "password": "x"})
    assert Entry.objects.filter(action="user.login_failed").count() == 2


def test_a_flood_of_random_user_names_adds_a_bounded_number_of_rows(client, alice):
    rng = random.Random(1)
    addresses = ["192.0.2.1", "192.0.2.2", "2001:db8::3", "198.51.100.4"]
    names = ["".join(rng.choices(string.ascii_letters + string.digits, k=12)) for _ in range(1000)]
    for i, name in enumerate(names):
        client.post(
            "/accounts/login/",
            {"username": name, "password": "x"},
            REMOTE_ADDR=addresses[i % len(addresses)],
        )
    failed = Entry.objects.filter(action="user.login_failed")
    # one per address: all these names are unknown
    assert failed.count() == len(addresses)
    assert sorted(e.message.split(" ")[0] for e in failed) == ["250"] * 4
    client.force_login(alice)
    pages = [client.get("/log/").content.decode()]
    pages += [client.get("/log/", {"action": "user.login_failed"}).content.decode()]
    assert "an unknown user name" in pages[0]
    for page in pages:
        assert not any(name in page for name in names)


def test_logging_out_without_a_session_logs_nothing(client, db):
    client.post("/accounts/logout/")
    assert not Entry.objects.exists()


def test_the_migration_forgets_names_typed_before(bob):
    from importlib import import_module

    from django.apps import apps

    from ganeti_webmgr import audit

    migration = import_module("ganeti_webmgr.audit.migrations.0002_unknown_login_names")
    audit.record("user.login_failed", message="Failed login as 'hunter2'")
    audit.record("user.login_failed", targets=[bob], message="Failed login as 'bob'")
    migration.forget_typed_names(apps, None)
    assert sorted(Entry.objects.values_list("message", flat=True)) == [
        "Failed login",
        "Failed login with an unknown user name",
    ]
