"""Retention: audit.prune(), gwm-manage audit_prune, and gwm-worker's daily run."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.audit import retention
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.audit.retention import DailyPruning
from ganeti_webmgr.worker.loop import Worker

pytestmark = pytest.mark.django_db


def entry_aged(days, alice, *targets):
    entry = audit.record("vm.start", actor=alice, targets=targets)
    Entry.objects.filter(pk=entry.pk).update(time=timezone.now() - timedelta(days=days))
    return entry


def test_it_deletes_entries_past_the_retention_with_their_targets(alice, vm):
    old = entry_aged(400, alice, vm)
    kept = entry_aged(300, alice, vm)
    assert audit.prune(365) == 1
    assert list(Entry.objects.all()) == [kept]
    assert not Target.objects.filter(entry_id=old.pk).exists()


def test_it_reads_the_retention_from_the_configuration(alice, configure):
    configure("audit", "retention_days", 30)
    entry_aged(31, alice)
    entry_aged(29, alice)
    assert audit.prune() == 1


def test_zero_days_keeps_everything(alice, configure):
    configure("audit", "retention_days", 0)
    entry_aged(5000, alice)
    assert audit.prune() == 0
    assert Entry.objects.count() == 1


def test_it_deletes_in_batches(alice, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    for _ in range(5):
        entry_aged(400, alice)
    assert audit.prune(365, max_batches=2) == 4
    assert Entry.objects.count() == 1
    assert audit.prune(365) == 1


def test_the_command_says_how_many_it_deleted(alice):
    entry_aged(400, alice)
    entry_aged(401, alice)
    entry_aged(10, alice)
    out = StringIO()
    call_command("audit_prune", stdout=out)
    assert out.getvalue() == "Deleted 2 audit log entries older than 365 days.\n"
    out = StringIO()
    call_command("audit_prune", "--days", "5", stdout=out)
    assert out.getvalue() == "Deleted 1 audit log entry older than 5 days.\n"
    assert not Entry.objects.exists()


def test_the_command_keeps_everything_with_zero_days(alice, configure):
    configure("audit", "retention_days", 0)
    entry_aged(400, alice)
    out = StringIO()
    call_command("audit_prune", stdout=out)
    assert "keep forever" in out.getvalue()
    assert Entry.objects.count() == 1


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_worker_prunes_at_start_then_once_a_day(alice, django_assert_num_queries):
    clock = Clock()
    pruning = DailyPruning(clock)
    entry_aged(400, alice)
    assert pruning.run_if_due() is True
    assert not Entry.objects.exists()
    entry_aged(400, alice)
    clock.now += 86399
    with django_assert_num_queries(0):  # between runs, no database work at all
        assert pruning.run_if_due() is False
    clock.now += 1
    assert pruning.run_if_due() is True
    assert not Entry.objects.exists()


def test_the_worker_comes_back_within_the_hour_for_a_backlog(alice, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 1)
    monkeypatch.setattr(DailyPruning, "MAX_BATCHES", 2)
    for _ in range(3):
        entry_aged(400, alice)
    clock = Clock()
    pruning = DailyPruning(clock)
    pruning.run_if_due()
    assert Entry.objects.count() == 1
    assert pruning.next_run == clock.now + 3600
    clock.now += 3600
    pruning.run_if_due()
    assert not Entry.objects.exists()
    assert pruning.next_run == clock.now + 86400


def test_a_failed_run_is_retried_within_the_hour(monkeypatch, caplog):
    def fail(**kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(retention, "prune", fail)
    clock = Clock()
    pruning = DailyPruning(clock)
    assert pruning.run_if_due() is True
    assert pruning.next_run == clock.now + 3600
    assert "audit log pruning failed" in caplog.text


@pytest.mark.django_db(transaction=True)  # dispatch() closes connections, as between requests
def test_gwm_worker_runs_it_from_its_loop(alice):
    entry_aged(400, alice)
    worker = Worker(sync_interval=60, max_backoff=60, sync_threads=1, job_threads=1, name="t")
    try:
        worker.dispatch()
    finally:
        worker.shutdown()
    assert not Entry.objects.exists()
    assert worker.audit_pruning.next_run > time.monotonic() + 86000  # not again today
