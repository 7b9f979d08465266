"""Grants, quotas, the global log and console tickets through the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.console import tickets
from ganeti_webmgr.console.models import ConsoleTicket
from ganeti_webmgr.quotas.models import Quota
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def test_grants_name_who_holds_what(api, people):
    vm = api(people["vm_admin"]).get("/api/v1/clusters/a/vms/a1/grants/").json()
    assert vm["grantable"] == ["admin", "power", "modify", "remove", "tags"]
    assert {"kind": "group", "name": "team", "permissions": ["power"]} in vm["holders"]
    assert {"kind": "user", "name": "vm_power", "permissions": ["power"]} in vm["holders"]
    cluster = api(people["cluster_admin"]).get("/api/v1/clusters/a/grants/").json()
    assert cluster["holders"] == [
        {"kind": "user", "name": "cluster_admin", "permissions": ["admin"]}
    ]
    assert api(people["vm_power"]).get("/api/v1/clusters/a/grants/").status_code == 403


def test_quotas_show_every_owner_against_their_limits(api, people):
    a = Cluster.objects.get(slug="a")
    a.default_quota_vms = 5
    a.save()
    Quota.objects.create(cluster=a, owner_group=Group.objects.get(name="team"), ram=1024)
    body = api(people["cluster_admin"]).get("/api/v1/clusters/a/quotas/").json()
    assert body["defaults"] == {"ram": None, "disk": None, "vcpus": None, "vms": 5}
    assert body["owners"] == [
        {
            "owner": "group:team",
            "kind": "group",
            "used": {"ram": 0, "disk": 0, "vcpus": 0, "vms": 0},
            "limits": {"ram": 1024, "disk": None, "vcpus": None, "vms": None},
            "own_quota": True,
            "over": [],
        }
    ]
    refused = api(people["vm_admin"]).get("/api/v1/clusters/a/quotas/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_the_log_lists_entries_newest_first_with_the_web_filters(api, people):
    client = api(people["superuser"])  # logged: before the entries below
    vm = VirtualMachine.objects.get(name="a1")
    audit.record("cluster.edit", actor=people["superuser"], targets=[vm.cluster], message="one")
    audit.record("vm.start", actor=people["vm_power"], targets=[vm, vm.cluster], message="two")
    entries = client.get("/api/v1/log/").json()["results"]
    assert [e["message"] for e in entries[:2]] == ["two", "one"]
    newest = entries[0]
    assert newest["actor"] == "vm_power" and newest["action"] == "vm.start"
    assert newest["targets"] == [{"type": "vm", "name": "a1"}, {"type": "cluster", "name": "a"}]
    assert {"time", "source_ip", "job", "via"} <= set(newest)
    started = client.get("/api/v1/log/", {"action": "vm."}).json()["results"]
    assert [e["message"] for e in started] == ["two"]
    assert client.get("/api/v1/log/", {"since": "yesterday"}).status_code == 400
    assert api(people["cluster_admin"]).get("/api/v1/log/").status_code == 403


def test_a_console_ticket_opens_the_pages_websocket(api, people):
    client = api(people["vm_power"])
    answer = client.post("/api/v1/clusters/a/vms/a1/console/", {"kind": "serial"}, format="json")
    assert answer.status_code == 201 and answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["kind"] == "serial" and body["expires_in"] == 30
    assert body["url"] == (
        f"ws://testserver/clusters/a/vms/a1/console/serial/ws?ticket={body['ticket']}"
    )
    vm = VirtualMachine.objects.get(name="a1")
    assert tickets.redeem(body["ticket"], people["vm_power"], vm, "serial")
    assert not tickets.redeem(body["ticket"], people["vm_power"], vm, "serial")


def test_a_console_ticket_over_https_is_wss_and_vnc_by_default(api, people):
    answer = api(people["vm_admin"]).post("/api/v1/clusters/a/vms/a1/console/", secure=True)
    assert answer.status_code == 201
    assert answer.json()["url"].startswith("wss://testserver/clusters/a/vms/a1/console/vnc/ws?")


def test_a_read_only_token_gets_no_console_ticket(api, people):
    answer = api(people["vm_power"], write=False).post("/api/v1/clusters/a/vms/a1/console/")
    assert answer.status_code == 403
    assert not ConsoleTicket.objects.exists()


def test_an_unknown_console_kind_is_400(api, people):
    answer = api(people["vm_power"]).post(
        "/api/v1/clusters/a/vms/a1/console/", {"kind": "rdp"}, format="json"
    )
    assert answer.status_code == 400 and "kind" in answer.json()["errors"]
