"""Clusters, nodes and VMs through the API: the web's filters and scoping."""

from __future__ import annotations

import pytest

from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def _names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_superuser_lists_every_vm_in_natural_order(api, alice, synced_cluster):
    names = _names(api(alice).get("/api/v1/vms/"))
    expected = sorted(VirtualMachine.objects.values_list("name", flat=True))
    assert sorted(names) == expected and len(names) == 10


def test_a_user_sees_only_granted_vms_and_no_one_elses(api, bob, synced_cluster):
    vm = VirtualMachine.objects.order_by("name").first()
    set_permissions(vm, bob, ["power"])
    assert _names(api(bob).get("/api/v1/vms/")) == [vm.name]
    other = VirtualMachine.objects.exclude(pk=vm.pk).first()
    client = api(bob)
    assert client.get(f"/api/v1/clusters/sim/vms/{other.name}/").status_code == 404
    detail = client.get(f"/api/v1/clusters/sim/vms/{vm.name}/")
    assert detail.status_code == 200 and detail.json()["name"] == vm.name


def test_the_web_lists_filters_apply(api, alice, synced_cluster):
    vm = VirtualMachine.objects.order_by("name").first()
    client = api(alice)
    node = vm.primary_node.name.split(".")[0]
    by_node = _names(client.get("/api/v1/vms/", {"node": node}))
    assert vm.name in by_node
    assert all(
        VirtualMachine.objects.get(name=n).primary_node.name.split(".")[0] == node
        or VirtualMachine.objects.get(name=n).secondary_node.name.split(".")[0] == node
        for n in by_node
    )
    refused = client.get("/api/v1/vms/", {"state": "asleep"})
    assert refused.status_code == 400
    assert "State" in refused.json()["errors"]["query"][0]


def test_an_unknown_token_and_no_token_are_401(api, alice, synced_cluster):
    assert api(None).get("/api/v1/vms/").status_code in (401, 403)
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer gwm_000000000000_" + "x" * 43)
    answer = client.get("/api/v1/vms/")
    assert answer.status_code == 401 and answer.json()["detail"] == "Invalid token."


def test_a_detail_answers_304_to_its_etag(api, alice, synced_cluster):
    client = api(alice)
    first = client.get("/api/v1/clusters/sim/")
    assert first.status_code == 200
    again = client.get("/api/v1/clusters/sim/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_an_unknown_api_address_is_a_json_404(api, alice):
    answer = api(alice).get("/api/v1/nothing-here/")
    assert answer.status_code == 404 and answer.json()["detail"] == "Not found."
    assert api(None).post("/api/v2/vms/", {}, format="json").status_code == 404
