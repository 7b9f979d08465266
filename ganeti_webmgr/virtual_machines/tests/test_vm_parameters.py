"""The VM parameters page: OS, OS parameters, hypervisor parameters."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.ganeti.simulator.faults import Fault
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
KVM = "/clusters/sim/vms/inst2.sim.test/parameters"  # generate(): even instances are kvm
FAKE = "/clusters/sim/vms/inst1.sim.test/parameters"


@pytest.fixture
def cluster(synced_cluster):
    return synced_cluster


@pytest.fixture
def vm_admin(cluster):
    user = User.objects.create_user("vmadmin")
    for name in ("inst1.sim.test", "inst2.sim.test"):
        set_permissions(VirtualMachine.objects.get(name=name), user, ["admin"])
    return user


def modify_requests(simulator):
    return [r for r in simulator.requests if r.path.endswith("/modify")]


def test_the_page_shows_kvm_parameters_with_their_choices(client, vm_admin):
    client.force_login(vm_admin)
    page = client.get(KVM)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.hypervisor == "kvm"
    assert form.hv_keys[0] == "boot_order"  # the common ones first
    assert [c for c, _ in form.fields["hv_boot_order"].choices] == [
        "disk",
        "cdrom",
        "network",
        "floppy",
    ]
    assert form.fields["hv_serial_console"].initial == "true"
    assert b'name="reset_' not in page.content  # nothing is set on this VM yet


def test_a_fake_vm_has_no_hypervisor_parameters(client, vm_admin):
    client.force_login(vm_admin)
    page = client.get(FAKE)
    assert b"has no parameters to set" in page.content


@pytest.mark.django_db(transaction=True)
def test_only_changed_parameters_are_sent_then_shown_as_set(
    client, vm_admin, cluster, simulator, run_worker
):
    client.force_login(vm_admin)
    form = client.get(KVM).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name.startswith("hv_")}
    data.update(hv_boot_order="cdrom", hv_serial_console="false", hv_migration_downtime="45")
    data["os_name"] = "noop+default"
    response = client.post(KVM, data, follow=True)
    assert b"Requested: modify inst2.sim.test: hypervisor parameter boot_order=cdrom" in (
        response.content
    )
    run_worker()
    [request] = modify_requests(simulator)
    assert request.body == {
        "hvparams": {"boot_order": "cdrom", "serial_console": False, "migration_downtime": 45}
    }
    assert Entry.objects.filter(action="vm.modify").count() == 1
    custom = simulator.cluster.instances["inst2.sim.test"]["custom_hvparams"]
    assert custom == {"boot_order": "cdrom", "serial_console": False, "migration_downtime": 45}

    # Now set on the VM: offered for reset, which sends Ganeti's "default".
    page = client.get(KVM)
    assert page.context["form"].fields["hv_boot_order"].initial == "cdrom"
    data = {"os_name": "noop+default", "reset_boot_order": "on"}
    data.update(
        {k: f.initial for k, f in page.context["form"].fields.items() if k.startswith("hv_")}
    )
    client.post(KVM, data)
    run_worker()
    assert modify_requests(simulator)[-1].body == {"hvparams": {"boot_order": "default"}}


@pytest.mark.django_db(transaction=True)
def test_os_and_os_parameters(client, vm_admin, cluster, simulator, run_worker):
    client.force_login(vm_admin)
    response = client.post(
        FAKE,
        {
            "os_name": "debootstrap+default",
            "osparams_set": "dhcp = yes\n\nmirror=http://deb.example/debian",
            "osparams_reset": "proxy",
        },
    )
    assert response.status_code == 302
    run_worker()
    assert modify_requests(simulator)[0].body == {
        "os_name": "debootstrap+default",
        "osparams": {"dhcp": "yes", "mirror": "http://deb.example/debian", "proxy": "default"},
    }
    assert simulator.cluster.instances["inst1.sim.test"]["os"] == "debootstrap+default"
    assert simulator.cluster.meta["inst1.sim.test"].osparams == {
        "dhcp": "yes",
        "mirror": "http://deb.example/debian",
    }
    assert VirtualMachine.objects.get(name="inst1.sim.test").os == "debootstrap+default"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"osparams_set": "dhcp yes"}, "osparams_set", "Line 1: write name=value"),
        ({"osparams_set": "a=1\nbad name=2"}, "osparams_set", "Line 2: write name=value"),
        ({"osparams_set": "dhcp=default"}, "osparams_set", "name it in the reset field"),
        ({"osparams_reset": "ok b@d"}, "osparams_reset", "'b@d' is not a parameter name"),
        (
            {"osparams_set": "dhcp=yes", "osparams_reset": "dhcp"},
            "osparams_reset",
            "dhcp is both set and reset",
        ),
        ({"os_name": "windows+xp"}, "os_name", "Select a valid choice"),
        ({}, None, "Nothing to change."),
    ],
)
def test_bad_input_names_the_field_and_keeps_what_was_typed(
    client, vm_admin, simulator, data, field, message
):
    client.force_login(vm_admin)
    data = {"os_name": "noop+default", **data}
    response = client.post(FAKE, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", [])), errors
    for value in data.values():
        assert value.split("\n")[0].encode() in response.content
    assert modify_requests(simulator) == []


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_ends_not_started(client, vm_admin, simulator, run_worker):
    simulator.faults.add(Fault("status", path="/modify", status=400, message="Bad request"))
    client.force_login(vm_admin)
    response = client.post(FAKE, {"os_name": "noop+minimal", "osparams_set": "keep=this"})
    assert response.status_code == 302
    run_worker()
    job = Job.objects.get()
    assert (job.status, job.job_id, job.finished) == ("not_started", None, True)
    assert "Ganeti refused: Bad request" in job.error_message
    page = client.get(job.get_absolute_url())
    assert b"Ganeti refused: Bad request" in page.content and b"not started" in page.content


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_is_the_vm_pages_business(client, vm_admin, cluster, simulator, run_worker):
    simulator.cluster.os_names.remove("noop+minimal")  # gone since the last sync
    client.force_login(vm_admin)
    response = client.post(FAKE, {"os_name": "noop+minimal"})
    assert response.status_code == 302
    run_worker()
    job = Job.objects.get()
    assert job.status == "error"
    assert "not in supported OS list" in job.error_message + str(job.opresult)


def test_power_users_may_not_change_parameters(client, cluster, simulator):
    user = User.objects.create_user("power")
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), user, ["power"])
    client.force_login(user)
    assert client.get(KVM).status_code == 403
    assert client.post(KVM, {"os_name": "noop+minimal"}).status_code == 403
    assert modify_requests(simulator) == []


def test_the_generic_action_url_does_not_take_parameters(client, vm_admin, simulator):
    client.force_login(vm_admin)
    response = client.post("/clusters/sim/vms/inst2.sim.test/parameters-x")
    assert response.status_code == 404
    assert modify_requests(simulator) == []


def test_reinstall_offers_the_synced_os_list(client, vm_admin, cluster):
    client.force_login(vm_admin)
    page = client.get("/clusters/sim/vms/inst1.sim.test/reinstall")
    assert b'<option value="debootstrap+default">' in page.content
    assert cluster.operating_systems == ["debootstrap+default", "noop+default", "noop+minimal"]
