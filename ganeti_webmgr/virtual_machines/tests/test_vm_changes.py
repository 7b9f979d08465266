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


def writes(simulator):
    return [r for r in simulator.requests if r.method != "GET"]


@pytest.mark.django_db(transaction=True)
def test_modify_sends_ganeti_only_the_changes(client, admin_of_vm, simulator, run_worker):
    client.force_login(admin_of_vm)
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    response = client.post(
        VM + "modify",
        {
            "maxmem": "2048",
            "minmem": str(vm.minmem),  # as the form showed it: not sent
            "vcpus": "3",
            "add_nic": "on",
            "nic_link": "br0",
            "add_disk": "1024",
            "serial_no": str(vm.serial_no),
        },
        follow=True,
    )
    assert b"Requested: modify inst2.sim.test: maxmem 2048, vcpus 3" in response.content
    assert not writes(simulator)  # the web request sent nothing
    run_worker()
    sent = body(simulator, "/modify")
    assert sent["beparams"] == {"maxmem": 2048, "vcpus": 3}
    assert sent["nics"] == [["add", {"link": "br0"}]]
    assert sent["disks"] == [["add", {"size": 1024}]]
    assert Entry.objects.filter(action="vm.modify").count() == 1


@pytest.mark.django_db(transaction=True)
def test_adding_only_a_card_sends_no_memory_or_cpus(client, admin_of_vm, simulator, run_worker):
    """The form is prefilled with the VM's values; they are not sent back to Ganeti."""
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    client.force_login(admin_of_vm)
    client.post(
        VM + "modify",
        {
            "maxmem": str(vm.memory),
            "minmem": str(vm.minmem),
            "vcpus": str(vm.vcpus),
            "add_nic": "on",
            "serial_no": str(vm.serial_no),
        },
    )
    run_worker()
    assert body(simulator, "/modify") == {"nics": [["add", {}]]}


def test_a_vm_changed_in_ganeti_since_the_page_is_not_reverted(client, admin_of_vm, simulator):
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    shown = vm.serial_no
    with simulator.cluster.lock:  # someone resizes it with gnt-instance meanwhile
        inst = simulator.cluster.instances["inst2.sim.test"]
        inst["beparams"]["maxmem"] = 4096
        simulator.cluster._touch(inst)
    sync.sync_cluster(vm.cluster)
    client.force_login(admin_of_vm)
    response = client.post(VM + "modify", {"maxmem": "1024", "serial_no": str(shown)})
    assert response.status_code == 400
    assert b"was changed in Ganeti after this page was shown (now: memory 4096 MiB" in (
        response.content
    )
    assert not Job.objects.exists()
    assert not writes(simulator)


@pytest.mark.django_db(transaction=True)
def test_a_change_in_ganeti_after_the_request_stops_it_before_sending(
    client, admin_of_vm, simulator, run_worker
):
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    client.force_login(admin_of_vm)
    client.post(VM + "modify", {"vcpus": "3", "serial_no": str(vm.serial_no)})
    with simulator.cluster.lock:  # between the request and its submission
        simulator.cluster._touch(simulator.cluster.instances["inst2.sim.test"])
    from ganeti_webmgr.actions.base import NotSubmitted
    from ganeti_webmgr.actions.submission import send
    from ganeti_webmgr.clusters.rapi import client_for

    job = Job.objects.get()
    with pytest.raises(NotSubmitted, match="was changed in Ganeti after the form was shown"):
        send(job, client_for(vm.cluster))
    assert not [r for r in writes(simulator) if r.path.endswith("/modify")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"maxmem": "lots"}, b"Memory (MiB): Enter a whole number."),
        ({"maxmem": "512", "minmem": "1024"}, b"May not exceed the memory (512 MiB)."),
        ({"add_disk": "-5"}, b"Ensure this value is greater than or equal to 1."),
        ({"maxmem": str(2**41)}, b"Ensure this value is less than or equal to"),
        ({}, b"Nothing to change: the values are what Ganeti has."),
    ],
)
def test_modify_names_bad_input(client, admin_of_vm, data, message):
    client.force_login(admin_of_vm)
    response = client.post(VM + "modify", data)
    assert response.status_code == 400
    assert message in response.content
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_grow_disk(client, admin_of_vm, simulator, run_worker):
    client.force_login(admin_of_vm)
    client.post(VM + "grow_disk", {"disk": "0", "amount": "512"})
    run_worker()
    assert body(simulator, "/disk/0/grow")["amount"] == 512
    response = client.post(VM + "grow_disk", {"disk": "9", "amount": "512"})
    assert response.status_code == 400
    assert b"Select a valid choice. 9 is not one of the available choices." in response.content


@pytest.mark.django_db(transaction=True)
def test_tags_are_added_and_removed(client, admin_of_vm, simulator, run_worker):
    client.force_login(admin_of_vm)
    client.post(VM + "tags", {"add": "web prod"})
    run_worker()
    assert any(
        r.path == "/2/instances/inst2.sim.test/tags" and r.method == "PUT"
        for r in simulator.requests
    )
    response = client.post(VM + "tags", {"add": "bad tag!"})
    assert response.status_code == 400
    assert b"is not a Ganeti tag" in response.content
    client.post(VM + "tags", {"remove": ["web"]})
    run_worker()
    assert "web" not in simulator.cluster.instances["inst2.sim.test"]["tags"]


def test_the_owner_is_changed_and_logged(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    response = client.post(VM + "owner", {"owner": "user:vmadmin"}, follow=True)
    assert b"inst2.sim.test now belongs to vmadmin." in response.content
    assert VirtualMachine.objects.get(name="inst2.sim.test").owner_user.username == "vmadmin"
    assert Entry.objects.filter(action="vm.owner").exists()
    response = client.post(VM + "owner", {"owner": "user:nobody-here"}, follow=True)
    assert b"Owner: no such user or group" in response.content


def test_changing_the_owner_needs_admin(client, admin_of_vm, simulator):
    power = User.objects.create_user("power")
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), power, ["power"])
    client.force_login(power)
    assert client.post(VM + "owner", {"owner": "nobody"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_last_network_card_can_be_removed(client, admin_of_vm, simulator, run_worker):
    client.force_login(admin_of_vm)
    response = client.post(VM + "modify", {"remove_nic": "on"}, follow=True)
    assert b"remove the last network card" in response.content
    run_worker()
    assert body(simulator, "/modify")["nics"] == [["remove", {}]]


def test_adding_and_removing_a_card_at_once_is_refused(client, admin_of_vm, simulator):
    client.force_login(admin_of_vm)
    response = client.post(VM + "modify", {"add_nic": "on", "remove_nic": "on"})
    assert b"Add a network card or remove one, not both at once" in response.content
    assert not Job.objects.exists()


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


@pytest.mark.django_db(transaction=True)
def test_notes_whose_entry_fails_are_not_saved(client, admin_of_vm, monkeypatch):
    from django.db import DatabaseError

    from ganeti_webmgr.audit.models import Target

    def broken(*args, **kwargs):
        raise DatabaseError("the log's table is gone")

    client.force_login(admin_of_vm)
    monkeypatch.setattr(Target.objects, "bulk_create", broken)  # after the login's entry
    client.raise_request_exception = False
    assert client.post(VM + "notes", {"notes": "unlogged"}).status_code == 500
    assert VirtualMachine.objects.get(name="inst2.sim.test").notes == ""
    assert not Entry.objects.filter(action="vm.notes").exists()


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
        ("modify", {"maxmem": "512", "minmem": "1024"}, b'value="1024"'),
        ("grow_disk", {"disk": "0", "amount": "zero"}, b'value="zero"'),
        ("tags", {"add": "ok bad!tag"}, b'value="ok bad!tag"'),
        ("shutdown", {"timeout": "99999"}, b'value="99999"'),
    ],
)
def test_a_refused_form_keeps_what_was_typed(client, admin_of_vm, simulator, action, data, kept):
    client.force_login(admin_of_vm)
    response = client.post(VM + action, data)
    assert response.status_code == 400
    assert kept in response.content
    assert b'role="alert"' in response.content
    assert not writes(simulator)
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_ganeti_refusal_is_shown_on_the_job(client, admin_of_vm, simulator, run_worker):
    from ganeti_webmgr.ganeti.simulator.faults import Fault

    simulator.faults.add(Fault("status", path="/modify", status=400, message="Out of memory"))
    client.force_login(admin_of_vm)
    client.post(VM + "modify", {"vcpus": "7"})
    job = Job.objects.get()
    assert job.status == Job.Status.SUBMITTING and job.job_id is None
    page = client.get(VM)
    assert b"modify inst2.sim.test: vcpus 7" in page.content
