"""The log in German: its frame, filters and headings are translated; the entries
themselves (messages, action codes, changed fields) are records, kept in English."""

from __future__ import annotations

import pytest

from ganeti_webmgr.audit import record

pytestmark = pytest.mark.django_db


def test_the_global_log_is_in_german_and_its_entries_in_english(client, alice, german):
    record("user.create", actor=alice, targets=[alice], message="Created user alice")
    client.force_login(alice)
    text = client.get("/log/", **german).content.decode()
    assert "<h1>Protokoll</h1>" in text and '<label for="list-name">Objektname</label>' in text
    assert '<a href="?sort=time">Zeit</a>' in text and ">Filtern</button>" in text
    assert '<option value="user.">user.*</option>' in text and ">Von (Adresse)</th>" in text
    assert "Created user alice" in text and "<code>user.create</code>" in text


def test_an_objects_log_is_in_german(client, alice, german):
    client.force_login(alice)
    text = client.get("/log/user/alice/", **german).content.decode()
    assert "<h1>Benutzer alice: Protokoll</h1>" in text


def test_a_bad_filter_is_named_in_german(client, alice, german):
    client.force_login(alice)
    text = client.get("/log/?since=2026-02-02&until=2026-01-01", **german).content.decode()
    assert "Das Enddatum liegt vor dem Startdatum." in text
