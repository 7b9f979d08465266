"""Modify, grow a disk, tags and owner, from the VM page."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
VM = "/clusters/sim/vms/inst2.sim.test/"


@pytest.fixture
def admin_of_vm(simulator, make_cluster):
    sync.sync_cluster(make_cluster(simulator))
    user = User.objects.create_user("vmadmin")
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), user, ["admin"])
    return user


def body(simulator, suffix):
    return next(r.body for r in simulator.requests if r.path.endswith(suffix))


def test_modify_sends_ganeti_the_changes(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    response = client.post(
        VM + "modify",
        {"maxmem": "2048", "vcpus": "2", "add_nic": "on", "nic_link": "br0", "add_disk": "1024"},
        follow=True,
    )
    assert b"Started: modify inst2.sim.test: maxmem 2048, vcpus 2" in response.content
    sent = body(simulator, "/modify")
    assert sent["beparams"] == {"maxmem": 2048, "vcpus": 2}
    assert sent["nics"] == [["add", {"link": "br0"}]]
    assert sent["disks"] == [["add", {"size": 1024}]]
    assert Entry.objects.filter(action="vm.modify").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"maxmem": "lots"}, b"Memory: give a whole number, at least 1."),
        ({"maxmem": "512", "minmem": "1024"}, b"Minimum memory: may not exceed the memory."),
        ({"add_disk": "-5"}, b"New disk: give its size in whole MiB."),
        ({}, b"Modify: nothing to change."),
    ],
)
def test_modify_names_bad_input(client, admin_of_vm, data, message):
    client.force_login(admin_of_vm)
    assert message in client.post(VM + "modify", data, follow=True).content
    assert not Job.objects.exists()


def test_grow_disk(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    client.post(VM + "grow_disk", {"disk": "0", "amount": "512"})
    assert body(simulator, "/disk/0/grow")["amount"] == 512
    response = client.post(VM + "grow_disk", {"disk": "9", "amount": "512"}, follow=True)
    assert b"Disk: give a disk number from 0 to" in response.content


def test_tags_are_added_and_removed(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    client.post(VM + "tags", {"add": "web prod"})
    assert any(
        r.path == "/2/instances/inst2.sim.test/tags" and r.method == "PUT"
        for r in simulator.requests
    )
    response = client.post(VM + "tags", {"add": "bad tag!"}, follow=True)
    assert b"is not a Ganeti tag" in response.content


def test_the_owner_is_changed_and_logged(client, admin_of_vm, simulator):
    User.objects.create_user("carol")
    client.force_login(admin_of_vm)
    response = client.post(VM + "owner", {"owner": "user:carol"}, follow=True)
    assert b"inst2.sim.test now belongs to carol." in response.content
    assert VirtualMachine.objects.get(name="inst2.sim.test").owner_user.username == "carol"
    assert Entry.objects.filter(action="vm.owner").exists()
    response = client.post(VM + "owner", {"owner": "user:nobody-here"}, follow=True)
    assert b"Owner: no such user or group" in response.content


def test_changing_the_owner_needs_admin(client, admin_of_vm, simulator):
    power = User.objects.create_user("power")
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), power, ["power"])
    client.force_login(power)
    assert client.post(VM + "owner", {"owner": "nobody"}).status_code == 403


def test_the_last_network_card_can_be_removed(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    response = client.post(VM + "modify", {"remove_nic": "on"}, follow=True)
    assert b"remove the last network card" in response.content
    assert body(simulator, "/modify")["nics"] == [["remove", {}]]


def test_adding_and_removing_a_card_at_once_is_refused(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    response = client.post(VM + "modify", {"add_nic": "on", "remove_nic": "on"}, follow=True)
    assert b"add one or remove one, not both" in response.content
    assert not [r for r in simulator.requests if r.path.endswith("/modify")]


def test_notes_are_gwms_own(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    before = len(simulator.requests)
    client.post(VM + "notes", {"notes": "Billing: project 42\nAsk Ann before rebooting."})
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    assert vm.notes == "Billing: project 42\nAsk Ann before rebooting."
    assert len(simulator.requests) == before  # nothing sent to Ganeti
    entry = Entry.objects.get(action="vm.notes")
    assert entry.changes["notes"] == ["", vm.notes]
    page = client.get(VM)
    assert b"Billing: project 42<br>Ask Ann before rebooting." in page.content
    # A sync leaves them alone.
    from ganeti_webmgr.inventory import sync

    simulator.cluster.instances["inst2.sim.test"]["serial_no"] += 1
    sync.sync_cluster(vm.cluster)
    vm.refresh_from_db()
    assert vm.notes.startswith("Billing")


def test_too_long_notes_are_refused_and_kept(client, admin_of_vm):
    client.force_login(admin_of_vm)
    response = client.post(VM + "notes", {"notes": "x" * 10_001})
    assert response.status_code == 400
    assert b"at most 10,000 characters" in response.content
    assert b"x" * 10_001 in response.content
    assert VirtualMachine.objects.get(name="inst2.sim.test").notes == ""


def test_power_users_may_not_write_notes(client, simulator, make_cluster):
    sync.sync_cluster(make_cluster(simulator))
    user = User.objects.create_user("power")
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), user, ["power"])
    client.force_login(user)
    assert client.post(VM + "notes", {"notes": "mine"}).status_code == 403


@pytest.mark.parametrize(
    "action, data, kept",
    [
        ("rename", {"new_name": "inst2.sim.test"}, b'value="inst2.sim.test" required'),
        ("modify", {"maxmem": "512", "minmem": "1024"}, b'value="1024"'),
        ("grow_disk", {"disk": "0", "amount": "zero"}, b'value="zero"'),
        ("tags", {"add": "ok bad!tag"}, b'value="ok bad!tag"'),
        ("shutdown", {"timeout": "99999"}, b'value="99999"'),
    ],
)
def test_a_refused_form_keeps_what_was_typed(client, admin_of_vm, simulator, action, data, kept):
    client.force_login(admin_of_vm)
    response = client.post(VM + action, data)
    assert response.status_code == 200
    assert kept in response.content
    assert b'role="alert"' in response.content or b"error" in response.content
    assert not [r for r in simulator.requests if r.method != "GET"]


def test_a_ganeti_refusal_keeps_the_form_too(client, admin_of_vm, simulator):
    from ganeti_webmgr.ganeti.simulator.faults import Fault

    simulator.faults.add(Fault("status", path="/rename", status=400, message="Name taken"))
    client.force_login(admin_of_vm)
    response = client.post(VM + "rename", {"new_name": "web9.sim.test"})
    assert response.status_code == 200
    assert b"Ganeti refused: Name taken" in response.content
    assert b'value="web9.sim.test"' in response.content
