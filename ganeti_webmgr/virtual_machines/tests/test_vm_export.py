"""GET /vms/export and /clusters/<slug>/vms/export: the filtered list as CSV or JSON,
scoped to the user as the list is, streamed."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.http import StreamingHttpResponse

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.listing import csv_cell
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    a = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    b = Cluster.objects.create(slug="b", hostname="127.0.0.1", port=1)
    node = Node.objects.create(cluster=a, name="node1.example.com")
    team = Group.objects.create(name="team")
    VirtualMachine.objects.create(
        cluster=a,
        name="vm2",
        status="running",
        primary_node=node,
        os="noop",
        memory=512,
        vcpus=1,
        disk_size=1024,
        disk_count=1,
        nic_ips=["10.0.0.2"],
        nic_macs=["aa:00:00:00:00:02"],
        tags=["=HYPERLINK(1)", "web"],
        tags_text=" =HYPERLINK(1) web ",
        owner_group=team,
    )
    VirtualMachine.objects.create(
        cluster=a, name="vm10", status="ADMIN_down", owner_user=User.objects.create_user("dana")
    )
    VirtualMachine.objects.create(cluster=b, name="secret1", status="running")
    return a


def read(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def test_it_exports_the_filtered_list_as_csv(admin_client, site):
    response = admin_client.get("/vms/export", {"cluster": "a", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="vms.csv"'
    rows = list(csv.DictReader(io.StringIO(read(response))))
    assert [row["name"] for row in rows] == ["vm2", "vm10"]  # the list's order
    assert rows[0]["ips"] == "10.0.0.2"
    assert rows[0]["macs"] == "aa:00:00:00:00:02"
    assert rows[0]["owner"] == "group:team"
    assert rows[1]["owner"] == "user:dana"
    assert rows[0]["primary_node"] == "node1.example.com"


def test_it_exports_json_with_lists_kept(admin_client, site):
    response = admin_client.get("/clusters/a/vms/export", {"format": "json", "q": "vm2"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="vms-a.json"'
    data = json.loads(read(response))
    assert len(data) == 1
    assert data[0]["name"] == "vm2"
    assert data[0]["tags"] == ["=HYPERLINK(1)", "web"]
    assert data[0]["memory_mib"] == 512
    assert data[0]["missing"] is False


def test_an_export_holds_only_what_the_user_may_see(client, site, bob):
    set_permissions(VirtualMachine.objects.get(name="vm10"), bob, ["power"])
    client.force_login(bob)
    for query in ({}, {"q": "secret"}, {"cluster": "b"}, {"state": "running"}):
        names = [
            row["name"]
            for row in json.loads(read(client.get("/vms/export", {**query, "format": "json"})))
        ]
        assert "secret1" not in names and "vm2" not in names
    assert client.get("/clusters/b/vms/export", {"format": "csv"}).status_code == 404
    whole = json.loads(read(client.get("/vms/export", {"format": "json"})))
    assert [row["name"] for row in whole] == ["vm10"]


def test_cells_that_a_spreadsheet_would_run_are_escaped(admin_client, site):
    VirtualMachine.objects.filter(name="vm10").update(os="+cmd|' /C calc'!A0")
    text = read(admin_client.get("/vms/export", {"cluster": "a", "format": "csv"}))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["tags"] == "'=HYPERLINK(1) web"
    assert rows[1]["os"] == "'+cmd|' /C calc'!A0"
    for start in "=+-@\t\r":
        assert csv_cell(f"{start}1") == f"'{start}1"
    assert csv_cell("a=1") == "a=1"
    assert csv_cell(None) == ""


def test_an_unknown_format_is_a_clear_error(admin_client, site):
    response = admin_client.get("/vms/export", {"format": "xlsx"})
    assert response.status_code == 400
    assert response.content == b"format: csv or json, not 'xlsx'"


def test_chunks_keep_the_lists_order(admin_client, site, monkeypatch):
    from ganeti_webmgr.virtual_machines import views

    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)
    for n in (3, 11, 1):
        VirtualMachine.objects.create(cluster=site, name=f"vm{n}")
    rows = json.loads(read(admin_client.get("/vms/export", {"format": "json", "sort": "-name"})))
    assert [row["name"] for row in rows] == ["vm11", "vm10", "vm3", "vm2", "vm1", "secret1"]
