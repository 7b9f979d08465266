"""The global log page, /log/: superusers only, filters, keyset pages."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    Entry.objects.all().delete()  # the login's own entry
    return client


def at(entry, when):
    Entry.objects.filter(pk=entry.pk).update(time=when)


def shown(response):
    return [e.message for e in response.context["page"].entries]


def test_it_redirects_anonymous_visitors_to_the_login(client):
    response = client.get("/log/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/log/"


def test_it_is_forbidden_to_plain_users(client, bob):
    client.force_login(bob)
    assert client.get("/log/").status_code == 403


def test_it_rejects_post(as_alice):
    assert as_alice.post("/log/").status_code == 405


def test_it_shows_entries_newest_first(as_alice, alice, vm, cluster):
    first = audit.record("vm.start", actor=alice, targets=[vm, cluster], message="first")
    audit.record("vm.stop", actor=alice, targets=[vm, cluster], message="second")
    at(first, timezone.now() - timedelta(minutes=5))
    response = as_alice.get("/log/")
    assert response.status_code == 200
    assert shown(response) == ["second", "first"]
    assert b"vm1.example.org" in response.content
    assert b"<code>vm.stop</code>" in response.content


def test_it_shows_changes_and_job_results(as_alice, alice, cluster):
    from ganeti_webmgr.jobs.models import Job

    job = Job.objects.create(
        cluster=cluster, job_id=42, status="error", finished=True, error_message="boom"
    )
    audit.record("cluster.edit", actor=alice, targets=[cluster], changes={"port": [5080, 5081]})
    audit.record("vm.start", actor=alice, targets=[cluster], job=job)
    content = as_alice.get("/log/").content.decode()
    assert "<dt>port</dt>" in content and "5080" in content and "5081" in content
    assert "boom" in content and "42" in content


def test_it_filters_by_actor(as_alice, alice, bob):
    audit.record("vm.start", actor=alice, message="by alice")
    audit.record("vm.start", actor=bob, message="by bob")
    assert shown(as_alice.get("/log/", {"actor": "bob"})) == ["by bob"]


def test_it_filters_by_action_or_family_of_actions(as_alice, alice):
    audit.record("vm.start", actor=alice, message="start")
    audit.record("vm.stop", actor=alice, message="stop")
    audit.record("group.create", actor=alice, message="group")
    assert shown(as_alice.get("/log/", {"action": "vm.stop"})) == ["stop"]
    assert shown(as_alice.get("/log/", {"action": "vm."})) == ["stop", "start"]


def test_it_filters_by_object_type_and_name(as_alice, alice, cluster, vm, group):
    audit.record("vm.start", actor=alice, targets=[vm, cluster], message="vm")
    audit.record("group.create", actor=alice, targets=[group], message="group")
    assert shown(as_alice.get("/log/", {"type": "group"})) == ["group"]
    assert shown(as_alice.get("/log/", {"name": "VM1.example"})) == ["vm"]
    assert shown(as_alice.get("/log/", {"type": "cluster", "name": "c1"})) == ["vm"]
    assert shown(as_alice.get("/log/", {"type": "node", "name": "c1"})) == []


def test_it_filters_by_whole_days_in_the_sites_time_zone(as_alice, alice, settings):
    settings.TIME_ZONE = "Europe/Paris"
    paris = timezone.get_fixed_timezone(60)  # CET, no DST in January
    for day, hour in ((1, 0), (1, 23), (2, 0), (3, 12)):
        entry = audit.record("vm.start", actor=alice, message=f"{day}/{hour}")
        at(entry, datetime(2025, 1, day, hour, 30, tzinfo=paris))
    assert shown(as_alice.get("/log/", {"since": "2025-01-01", "until": "2025-01-01"})) == [
        "1/23",
        "1/0",
    ]
    assert shown(as_alice.get("/log/", {"since": "2025-01-02"})) == ["3/12", "2/0"]
    assert shown(as_alice.get("/log/", {"until": "2025-01-02"})) == ["2/0", "1/23", "1/0"]


def test_it_says_what_is_wrong_with_a_filter(as_alice, alice):
    audit.record("vm.start", actor=alice, message="x")
    response = as_alice.get("/log/", {"since": "2025-02-02", "until": "2025-01-01"})
    assert b"The end date is before the start date." in response.content
    response = as_alice.get("/log/", {"action": "vm.explode"})
    assert response.context["query"].errors == [
        "Action: no 'vm.explode' here; choose one of the list."
    ]
    assert shown(response) == []  # a value no filter takes lists nothing


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31"])
def test_it_refuses_days_at_the_ends_of_the_calendar(as_alice, alice, day):
    for name in ("since", "until"):
        response = as_alice.get("/log/", {name: day})
        assert response.status_code == 200
        assert b"enter a day between 1970-01-01 and 9998-12-31 (YYYY-MM-DD)." in response.content


def test_it_pages_by_cursor(as_alice, alice, monkeypatch):
    monkeypatch.setattr("ganeti_webmgr.core.listing.DEFAULT_PAGE_SIZE", 2)
    now = timezone.now()
    for n in range(5):
        entry = audit.record("vm.start", actor=alice, message=f"e{n}")
        # Two entries share a time: the id breaks the tie.
        at(entry, now - timedelta(seconds=5 - min(n, 3)))
    first = as_alice.get("/log/", {"action": "vm.start"})
    assert shown(first) == ["e4", "e3"]
    page = first.context["page"]
    assert page.previous is None and "action=vm.start" in page.next
    second = as_alice.get(f"/log/?{page.next}")
    assert shown(second) == ["e2", "e1"]
    third = as_alice.get(f"/log/?{second.context['page'].next}")
    assert shown(third) == ["e0"]
    assert third.context["page"].next is None
    back = as_alice.get(f"/log/?{third.context['page'].previous}")
    assert shown(back) == ["e2", "e1"]
    assert shown(as_alice.get(f"/log/?{back.context['page'].previous}")) == ["e4", "e3"]


def test_a_mangled_cursor_starts_from_the_newest(as_alice, alice):
    audit.record("vm.start", actor=alice, message="x")
    for cursor in ("before=abc", "before=99999999999999999999999.1", "after=1.2.3"):
        assert shown(as_alice.get(f"/log/?{cursor}")) == ["x"]


def test_its_query_count_does_not_grow_with_the_entries(
    as_alice, alice, cluster, vm, node, group, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            audit.record("vm.start", actor=alice, targets=[vm, cluster, node, group, alice])

    add(1)
    # The session, the user, their list preferences, the clusters (the cluster
    # filter's choices), the entries and their targets.
    with django_assert_max_num_queries(6) as few:
        as_alice.get("/log/", {"type": "vm", "name": "vm1"})
    add(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = as_alice.get("/log/", {"type": "vm", "name": "vm1"})
    assert len(response.context["page"].entries) == 41
