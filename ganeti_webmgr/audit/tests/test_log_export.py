"""The logs as files (/log/export, /log/<object>/export): the entries the list shows
its reader, in its order, streamed a chunk at a time by cursor; nothing more. And a
searched log says nothing of hidden entries that match."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.audit.tests.conftest import shown
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def as_json(response) -> list[dict]:
    return json.loads(body(response))


@pytest.fixture
def entries(alice, bob, cluster, vm, vm2, group):
    audit.record("cluster.edit", actor=alice, targets=[cluster], changes={"port": [1, 2]})
    audit.record("vm.start", actor=bob, targets=[vm, cluster], message="vm1 started")
    audit.record("vm.start", actor=alice, targets=[vm2, cluster], message="secret vm2 started")
    audit.record("group.create", actor=alice, targets=[group], message="=HYPERLINK(1)")


@pytest.fixture
def carol_admin(group, bob):
    """The administrator of ops, where bob is a member."""
    bob.groups.add(group)
    carol = User.objects.create_user("carol")
    GroupProfile.of(group).admins.add(carol)
    return carol


def test_the_global_export_is_for_superusers(login, alice, bob, entries):
    assert login(bob).get("/log/export").status_code == 403
    response = login(alice).get("/log/export")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="log.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [r["action"] for r in rows] == ["group.create", "vm.start", "vm.start", "cluster.edit"]
    assert rows[0]["message"] == "'=HYPERLINK(1)"  # shown by a spreadsheet, not run
    assert rows[0]["objects"] == "group:ops"
    assert rows[1]["objects"] == "vm:vm2.example.org; cluster:c1"
    assert json.loads(rows[3]["changes"]) == {"port": [1, 2]}


def test_the_export_keeps_the_lists_search_filters_and_order(login, alice, entries):
    data = as_json(login(alice).get("/log/export", {"q": "vm", "sort": "user", "format": "json"}))
    assert [(e["user"], e["message"]) for e in data] == [
        ("alice", "secret vm2 started"),
        ("bob", "vm1 started"),
    ]
    assert data[1]["objects"] == [
        {"type": "vm", "name": "vm1.example.org"},
        {"type": "cluster", "name": "c1"},
    ]
    assert set(data[0]) == {
        "time",
        "user",
        "action",
        "objects",
        "message",
        "changes",
        "job",
        "job_status",
        "job_error",
        "source_ip",
        "via",
    }


def test_the_export_reads_by_cursor_in_chunks(login, alice, monkeypatch, cluster):
    monkeypatch.setattr("ganeti_webmgr.audit.views.EXPORT_CHUNK", 2)
    for n in range(5):
        audit.record("cluster.edit", actor=alice, targets=[cluster], message=f"e{n}")
    data = as_json(login(alice).get("/log/export", {"format": "json", "sort": "time"}))
    assert [e["message"] for e in data] == ["e0", "e1", "e2", "e3", "e4"]


def test_an_objects_export_leaves_out_what_the_reader_may_not_see(login, bob, vm, entries):
    set_permissions(vm, bob, ["power"])
    client = login(bob)
    response = client.get("/log/cluster/c1/export", {"format": "json"})
    assert response["Content-Disposition"] == 'attachment; filename="log-cluster-c1.json"'
    text = body(response)
    assert [e["message"] for e in json.loads(text)] == ["vm1 started", ""]
    assert "vm2" not in text and "secret" not in text
    assert client.get("/log/cluster/c1/export", {"q": "secret"}).status_code == 200
    assert as_json(client.get("/log/cluster/c1/export", {"q": "secret", "format": "json"})) == []


def test_object_exports_answer_as_their_logs_do(login, bob, charlie, carol_admin, vm, entries):
    assert login(charlie).get("/log/cluster/c1/export").status_code == 404
    assert login(charlie).get("/log/vm/c1/vm1.example.org/export").status_code == 404
    assert login(charlie).get("/log/user/bob/export").status_code == 404
    assert login(bob).get("/log/group/ops/export").status_code == 403  # a member
    data = as_json(login(carol_admin).get("/log/group/ops/export", {"format": "json"}))
    assert [e["action"] for e in data] == ["group.create"]
    mine = as_json(login(bob).get("/log/user/bob/export", {"format": "json"}))
    assert mine == []  # his own entry names vm1 and c1, which he may not see
    set_permissions(vm, bob, ["power"])
    mine = as_json(login(bob).get("/log/user/bob/export", {"format": "json"}))
    assert [e["message"] for e in mine] == ["vm1 started"]


def test_an_unknown_format_is_a_clear_error(login, alice):
    response = login(alice).get("/log/export", {"format": "xml"})
    assert response.status_code == 400 and b"csv or json" in response.content


def test_a_searched_log_says_nothing_of_hidden_entries_that_match(
    login, alice, bob, cluster, vm, vm2, monkeypatch
):
    """A page examines a window of entries; searched, the hidden ones are left out by
    the query itself, so no "next" link tells that a window of them matched."""
    monkeypatch.setattr("ganeti_webmgr.core.listing.DEFAULT_PAGE_SIZE", 2)
    monkeypatch.setattr("ganeti_webmgr.audit.paging.WINDOW", 1)
    set_permissions(vm, bob, ["power"])
    for n in range(5):
        audit.record("vm.start", actor=alice, targets=[vm2, cluster], message=f"secret {n}")
    client = login(bob)
    searched = client.get("/log/cluster/c1/", {"q": "secret"})
    assert shown(searched) == [] and searched.context["page"].next is None
    filtered = client.get("/log/cluster/c1/", {"actor": "alice"})
    assert shown(filtered) == [] and filtered.context["page"].next is None
    # Unsearched, the window check runs on the rows fetched (audit.access).
    plain = client.get("/log/cluster/c1/")
    assert shown(plain) == [] and plain.context["page"].next is not None
    audit.record("vm.start", actor=alice, targets=[vm, cluster], message="secret but mine")
    assert shown(client.get("/log/cluster/c1/", {"q": "secret"})) == ["secret but mine"]
