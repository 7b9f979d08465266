"""POST /vms/bulk: one job per VM, a result per VM."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def vms(synced_cluster):
    return {vm.name: vm for vm in VirtualMachine.objects.all()}


@pytest.fixture
def bob(vms):
    """Power on inst1 and inst2, admin of inst3, nothing on the rest."""
    user = User.objects.create_user("bob")
    for name in ("inst1.sim.test", "inst2.sim.test"):
        set_permissions(vms[name], user, ["power"])
    set_permissions(vms["inst3.sim.test"], user, ["admin"])
    return user


def pks(vms, *numbers):
    return [str(vms[f"inst{n}.sim.test"].pk) for n in numbers]


def running(vms, *numbers, state=True):
    VirtualMachine.objects.filter(name__in=[f"inst{n}.sim.test" for n in numbers]).update(
        oper_state=state, admin_state="up" if state else "down"
    )


@pytest.mark.django_db(transaction=True)
def test_a_bulk_reboot_requests_one_job_per_vm(client, bob, vms, simulator, run_worker):
    running(vms, 1, 2, 3)
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "reboot", "vm": pks(vms, 1, 2, 3)})
    assert response.status_code == 200
    assert sorted(j.target_name for j in Job.objects.all()) == [
        "inst1.sim.test",
        "inst2.sim.test",
        "inst3.sim.test",
    ]
    assert [o.error for o in response.context["outcomes"]] == ["", "", ""]
    assert b"being handed to Ganeti" in response.content
    run_worker()
    reboots = [r for r in simulator.requests if r.path.endswith("/reboot")]
    assert len(reboots) == 3


def test_each_vm_gets_its_own_result(client, bob, vms):
    client.force_login(bob)
    response = client.post(
        "/vms/bulk", {"action": "remove", "vm": pks(vms, 1, 3), "confirm": "delete"}
    )
    results = {o.vm.name: o.error for o in response.context["outcomes"]}
    assert results == {"inst1.sim.test": "skipped: you may not", "inst3.sim.test": ""}
    assert [j.target_name for j in Job.objects.all()] == ["inst3.sim.test"]


def test_a_skipped_vm_says_why(client, bob, vms):
    running(vms, 1)
    running(vms, 2, state=False)
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "start", "vm": pks(vms, 1, 2)})
    results = {o.vm.name: o.error for o in response.context["outcomes"]}
    assert results == {
        "inst1.sim.test": "skipped: Start: not now, it is running.",
        "inst2.sim.test": "",
    }
    assert b"skipped: Start: not now, it is running." in response.content
    assert [j.target_name for j in Job.objects.all()] == ["inst2.sim.test"]


def test_invisible_vms_are_left_out_silently(client, bob, vms):
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "start", "vm": pks(vms, 1, 7)})
    assert [o.vm.name for o in response.context["outcomes"]] == ["inst1.sim.test"]
    assert b"inst7" not in response.content


def test_bulk_delete_asks_for_confirmation_first(client, bob, vms):
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "remove", "vm": pks(vms, 3)})
    assert b"Type <strong>delete</strong> to confirm" in response.content
    assert not Job.objects.exists()


def test_bulk_change_of_owner(client, bob, vms, simulator):
    team = Group.objects.create(name="team")
    team.user_set.add(bob)  # one may give VMs to one's own groups
    client.force_login(bob)
    response = client.post(
        "/vms/bulk", {"action": "owner", "owner": "group:team", "vm": pks(vms, 1, 3)}
    )
    results = {o.vm.name: o.error for o in response.context["outcomes"]}
    assert results == {"inst1.sim.test": "skipped: you may not", "inst3.sim.test": ""}
    assert VirtualMachine.objects.get(name="inst3.sim.test").owner == team


def test_a_group_one_is_not_in_is_as_no_group(client, bob, vms, simulator):
    Group.objects.create(name="secret-team")
    client.force_login(bob)
    outcomes = {}
    for owner in ("group:secret-team", "group:made-up"):
        response = client.post(
            "/vms/bulk", {"action": "owner", "owner": owner, "vm": pks(vms, 3)}, follow=True
        )
        outcomes[owner] = [str(m) for m in response.context["messages"]] + [
            o.error for o in response.context.get("outcomes") or []
        ]
    assert outcomes["group:secret-team"] == [
        "Owner: no such user or group you may give it to: 'group:secret-team' "
        "(write user:NAME, group:NAME or nobody)."
    ]
    assert outcomes["group:made-up"] == [
        "Owner: no such user or group you may give it to: 'group:made-up' "
        "(write user:NAME, group:NAME or nobody)."
    ]
    assert VirtualMachine.objects.get(name="inst3.sim.test").owner is None


def test_bad_input_is_named(client, bob, vms):
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "explode", "vm": pks(vms, 1)}, follow=True)
    assert b"Bulk action: choose one of start, shutdown, reboot, remove, owner." in (
        response.content
    )
    response = client.post("/vms/bulk", {"action": "start"}, follow=True)
    assert b"Select at least one virtual machine." in response.content
    response = client.post(
        "/vms/bulk", {"action": "owner", "owner": "user:ghost", "vm": pks(vms, 3)}, follow=True
    )
    assert b"Owner: no such user or group" in response.content
    assert not Job.objects.exists()


def test_it_never_redirects_elsewhere(client, bob, vms):
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "start", "next": "https://evil.example/"})
    assert response.url == "/vms/"


@pytest.mark.parametrize("back", ["-1", "NaN", "[]", "vm-list", "//evil.example/", "https://x/"])
def test_a_return_address_that_is_no_local_path_goes_to_the_list(client, bob, vms, back):
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "reboot", "vm": [], "next": back})
    assert (response.status_code, response.url) == (302, "/vms/")


@pytest.mark.parametrize("vm", ["99999999999999999999999999", "²", "-3", "1e3"])
def test_an_id_that_cannot_be_a_row_selects_nothing(client, bob, vms, vm):
    client.force_login(bob)
    response = client.post("/vms/bulk", {"action": "reboot", "vm": [vm]}, follow=True)
    assert response.status_code == 200
    assert b"Select at least one virtual machine." in response.content
