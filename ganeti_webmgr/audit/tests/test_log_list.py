"""The log as a list (core.listing): one search, filters as chips, sorts in keyset
pages, columns and page size, the address that keeps them; the global log's and an
object's alike."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.audit.tests.conftest import shown
from ganeti_webmgr.clusters.models import Cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(login, alice, cluster, vm, node, group):
    """Entries a minute apart, oldest first: by user2, user10, User1, alice, and one
    without a user."""
    now = timezone.now()
    users = {name: User.objects.create_user(name) for name in ("user2", "user10", "User1")}
    made = [
        audit.record("vm.start", actor=users["user2"], targets=[vm, cluster], message="start"),
        audit.record("vm.stop", actor=users["user10"], targets=[vm, cluster], message="stop"),
        audit.record("node.modify", actor=users["User1"], targets=[node, cluster], message="n"),
        audit.record("group.create", actor=alice, targets=[group], message="made ops"),
        audit.record("user.login_failed", message="failed"),
    ]
    for minutes, entry in enumerate(reversed(made)):
        when = now - timedelta(minutes=minutes)
        Entry.objects.filter(pk=entry.pk).update(time=when)
        entry.targets.update(time=when)
    return login(alice)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["failed", "made ops", "n", "stop", "start"]),
        ({"q": "USER1"}, ["n", "stop"]),  # user10 and User1: who did it
        ({"q": "vm.st"}, ["stop", "start"]),  # the action
        ({"q": "node1"}, ["n"]),  # an object's name
        ({"q": "made"}, ["made ops"]),  # the message
        ({"actor": "user"}, []),  # a user name, exactly
        ({"actor": "User1"}, ["n"]),
        ({"action": "vm."}, ["stop", "start"]),  # a family of actions
        ({"action": "vm.stop"}, ["stop"]),
        ({"type": "node"}, ["n"]),
        ({"type": "group"}, ["made ops"]),
        ({"cluster": "c1"}, ["n", "stop", "start"]),
        ({"cluster": "c1", "action": "vm."}, ["stop", "start"]),
        ({"name": "VM1.example"}, ["stop", "start"]),
    ],
)
def test_search_and_filters(log, query, expected):
    assert shown(log.get("/log/", query)) == expected


def test_filters_show_as_chips_each_dropping_itself(log):
    response = log.get("/log/", {"q": "vm", "action": "vm.", "cluster": "c1"})
    chips = {chip.label: chip for chip in response.context["query"].chips}
    assert {label: chip.value for label, chip in chips.items()} == {
        "Search": "vm",
        "Action": "vm.*",
        "Cluster": "c1",
    }
    assert shown(log.get("/log/" + chips["Cluster"].drop)) == ["stop", "start"]
    assert "cluster=" not in chips["Cluster"].drop and "action=vm." in chips["Cluster"].drop


def test_an_unknown_cluster_is_an_error(log):
    response = log.get("/log/", {"cluster": "nowhere"})
    assert shown(response) == []
    assert response.context["query"].errors == [
        "Cluster: no 'nowhere' here; choose one of the list."
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("time", ["start", "stop", "n", "made ops", "failed"]),
        ("-time", ["failed", "made ops", "n", "stop", "start"]),
        # Natural order of user names (no user first), then time, in the sort's direction.
        ("user", ["failed", "made ops", "n", "start", "stop"]),
        ("-user", ["stop", "start", "n", "made ops", "failed"]),
        ("action", ["made ops", "n", "failed", "start", "stop"]),
    ],
)
def test_sorts_page_by_cursor(log, monkeypatch, sort, expected):
    monkeypatch.setattr("ganeti_webmgr.core.listing.DEFAULT_PAGE_SIZE", 2)
    seen, address, pages = [], f"/log/?sort={sort}", []
    while address:
        response = log.get(address)
        seen += shown(response)
        page = response.context["page"]
        pages.append(page)
        address = f"/log/?{page.next}" if page.next else None
    assert seen == expected
    assert len(pages) == 3 and all(f"sort={sort}" in p.first for p in pages)
    back = log.get(f"/log/?{pages[-1].previous}")
    assert shown(back) == expected[2:4]


def test_a_cursor_of_another_order_starts_from_the_first_page(log, monkeypatch):
    monkeypatch.setattr("ganeti_webmgr.core.listing.DEFAULT_PAGE_SIZE", 2)
    first = log.get("/log/").context["page"]
    response = log.get(f"/log/?sort=user&{first.next}")
    assert shown(response) == ["failed", "made ops"]


def test_columns_and_page_size_are_remembered_on_every_log(log, cluster):
    log.post("/accounts/lists/log", {"col": ["time", "user", "action"], "per_page": "25"})
    for url in ("/log/", "/log/cluster/c1/"):
        response = log.get(url)
        assert [c.key for c in response.context["query"].shown] == ["time", "user", "action"]
        text = response.content.decode()
        assert '<th scope="col">Objects</th>' not in text
        assert "vm1.example.org" not in text  # the objects column is not shown


def test_the_address_keeps_the_list(log):
    response = log.get("/log/", {"actor": "alice", "sort": "user"})
    assert response.context["export_csv"] == "/log/export?actor=alice&sort=user&format=csv"
    assert 'href="?actor=alice&amp;sort=-user"' in response.content.decode()


def test_an_objects_log_is_searched_filtered_and_sorted_alike(log):
    url = "/log/vm/c1/vm1.example.org/"
    assert shown(log.get(url)) == ["stop", "start"]
    assert shown(log.get(url, {"sort": "time"})) == ["start", "stop"]
    assert shown(log.get(url, {"q": "user10"})) == ["stop"]
    response = log.get(url)
    assert "cluster" not in {item.key for item, _v, _c in response.context["query"].fields}


def test_a_users_log_lists_what_they_did_and_what_was_done_to_them(log, alice):
    other = User.objects.get(username="user2")
    audit.record("user.edit", actor=alice, targets=[other], message="edited user2")
    url = "/log/user/user2/"
    assert shown(log.get(url)) == ["edited user2", "start"]
    assert shown(log.get(url, {"sort": "user"})) == ["edited user2", "start"]
    assert shown(log.get(url, {"action": "vm."})) == ["start"]
    assert shown(log.get(url, {"actor": "alice"})) == ["edited user2"]


def test_bad_parameters_are_no_error_page(log):
    for query in (
        {"cursor": "1.2.3"},
        {"back": "x"},
        {"sort": "user", "cursor": "99999999999999999999.1.a"},
        {"sort": "user", "cursor": "1.99999999999999999999.a"},
        {"sort": "user", "cursor": "1.1.a\x00"},
        {"since": "2025-13-01"},
        {"sort": "objects"},
        {"per_page": "7"},
    ):
        assert log.get("/log/", query).status_code == 200, query


def test_a_cluster_removed_from_gwm_stays_in_the_log_but_not_among_the_choices(log, cluster):
    Cluster.objects.create(slug="c2", hostname="c2.example.org").delete()
    choices = log.get("/log/").context["query"].choices["cluster"]
    assert [slug for slug, _label in choices] == ["c1"]
