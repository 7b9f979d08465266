"""Entries carry name_key(actor_name), the log's natural order of users: written by
record(), and filled in by the migration that added it for the entries there were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.core.sorting import name_key


@pytest.mark.django_db
def test_record_writes_the_actors_name_key(alice):
    entry = audit.record("vm.start", actor=alice)
    anonymous = audit.record("user.login_failed")
    assert Entry.objects.get(pk=entry.pk).actor_key == name_key("alice")
    assert Entry.objects.get(pk=anonymous.pk).actor_key == ""


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_entries_there_are():
    executor = MigrationExecutor(connection)
    before = [("audit", "0002_unknown_login_names")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        old = apps.get_model("audit", "Entry")
        old.objects.create(actor_name="Admin10", action="vm.start")
        old.objects.create(actor_name="", action="user.login_failed")
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        keys = dict(Entry.objects.values_list("actor_name", "actor_key"))
        assert keys == {"Admin10": "admin" + "10".zfill(20), "": ""}
    finally:
        Entry.objects.all().delete()
        MigrationExecutor(connection).migrate(latest)
