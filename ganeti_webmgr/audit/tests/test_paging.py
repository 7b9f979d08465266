"""Keyset pages, with and without a filter of hidden entries."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.audit.paging import EntrySource, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def twenty(alice):
    """Entries e0 (oldest) to e19, a second apart."""
    now = timezone.now()
    for n in range(20):
        entry = audit.record("vm.start", actor=alice, message=f"e{n}")
        Entry.objects.filter(pk=entry.pk).update(time=now - timedelta(seconds=20 - n))


def messages(log_page):
    return [entry.message for entry in log_page.entries]


def follow(log_page, link):
    return page(
        EntrySource(Entry.objects.all()), QueryDict(getattr(log_page, link)), 3, keep=only_even
    )


def only_even(entries):
    return [e for e in entries if int(e.message[1:]) % 2 == 0]


def test_without_a_filter_pages_are_full(twenty):
    first = page(EntrySource(Entry.objects.all()), QueryDict(), 3)
    assert messages(first) == ["e19", "e18", "e17"]
    second = page(EntrySource(Entry.objects.all()), QueryDict(first.next), 3)
    assert messages(second) == ["e16", "e15", "e14"]


def test_a_filter_skips_hidden_rows_and_fills_the_page(twenty):
    first = page(EntrySource(Entry.objects.all()), QueryDict(), 3, keep=only_even)
    assert messages(first) == ["e18", "e16", "e14"]
    second = follow(first, "next")
    assert messages(second) == ["e12", "e10", "e8"]
    assert messages(follow(second, "previous")) == ["e18", "e16", "e14"]


def test_a_mostly_hidden_window_gives_a_short_page_and_goes_on_after_it(twenty, monkeypatch):
    monkeypatch.setattr("ganeti_webmgr.audit.paging.WINDOW", 1)  # 3 rows examined a page
    first = page(EntrySource(Entry.objects.all()), QueryDict(), 3, keep=only_even)
    assert messages(first) == ["e18"]  # e19, e18, e17 examined
    second = follow(first, "next")
    assert messages(second) == ["e16", "e14"]  # e16, e15, e14
    third = follow(second, "next")
    assert messages(third) == ["e12"]  # e13, e12, e11: nothing skipped


def test_the_last_page_has_no_older_link(twenty):
    last = page(EntrySource(Entry.objects.all()), QueryDict(), 50, keep=only_even)
    assert len(last.entries) == 10 and last.next is None and last.previous is None


def test_an_objects_log_pages_through_its_own_target_rows(alice, vm, cluster):
    from ganeti_webmgr.audit import queries

    now = timezone.now()
    for n in range(7):
        entry = audit.record("vm.start", actor=alice, targets=[vm], message=f"v{n}")
        audit.record("cluster.edit", actor=alice, targets=[cluster], message=f"c{n}")
        # v3 and v4 share a time: the entry id orders them.
        when = now - timedelta(seconds=10 - min(n, 3))
        Entry.objects.filter(pk=entry.pk).update(time=when)
        entry.targets.update(time=when)
    source = queries.for_object(vm)
    first = page(source, QueryDict(), 3)
    assert messages(first) == ["v6", "v5", "v4"]
    second = page(source, QueryDict(first.next), 3)
    assert messages(second) == ["v3", "v2", "v1"]
    third = page(source, QueryDict(second.next), 3)
    assert messages(third) == ["v0"] and third.next is None
    assert messages(page(source, QueryDict(third.previous), 3)) == ["v3", "v2", "v1"]
