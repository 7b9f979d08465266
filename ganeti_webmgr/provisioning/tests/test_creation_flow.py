"""From the wizard to a VM in GWM, with gwm-worker following the jobs."""

import pytest

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import can
from ganeti_webmgr.provisioning.models import CreationRequest
from ganeti_webmgr.testing.worker import run_once
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db(transaction=True)


def follow_jobs(rounds=3):
    run_once(rounds)


def test_the_new_vm_appears_owned_and_administered_by_its_owner(
    client, creator, simulator, wizard_data
):
    client.force_login(creator)
    client.post("/clusters/sim/create-vm", wizard_data(action="create"))
    follow_jobs()
    vm = VirtualMachine.objects.get(name="new1.sim.test")
    assert vm.owner == creator
    assert "gwm:owner:user:creator" in vm.tags
    assert can(creator, "admin", vm)
    job = Job.objects.get()
    assert job.finished and job.status == "success" and job.virtual_machine == vm
    page = client.get(f"/clusters/sim/create-vm/{CreationRequest.objects.get().pk}/")
    assert b'href="/clusters/sim/vms/new1.sim.test/"' in page.content


def test_a_rejected_creation_shows_ganetis_error(client, creator, simulator, wizard_data):
    simulator.cluster.os_names.remove("noop+minimal")  # gone since GWM's last sync
    client.force_login(creator)
    client.post("/clusters/sim/create-vm", wizard_data(action="create", os="noop+minimal"))
    follow_jobs()
    job = Job.objects.get()
    assert job.status == "error"
    page = client.get(f"/clusters/sim/create-vm/{CreationRequest.objects.get().pk}/")
    assert b"not in supported OS list" in page.content
    assert b"Fix the values and try again" in page.content
    assert not VirtualMachine.objects.filter(name="new1.sim.test").exists()


def test_a_name_ganeti_had_already_is_not_shown_as_created(client, creator, simulator, wizard_data):
    # Made in Ganeti after GWM's last sync: the form cannot know, Ganeti refuses it.
    simulator.cluster.add_instance("new1.sim.test", "node1.sim.test")
    client.force_login(creator)
    client.post("/clusters/sim/create-vm", wizard_data(action="create"))
    follow_jobs()
    job = Job.objects.get()
    assert (job.status, job.error_code) == ("error", "already_exists")
    vm = VirtualMachine.objects.get(name="new1.sim.test")  # following the job brought it in
    assert job.virtual_machine == vm and vm.owner is None
    assert not can(creator, "admin", vm)
    page = client.get(f"/clusters/sim/create-vm/{CreationRequest.objects.get().pk}/")
    assert b"is already in the cluster" in page.content
    assert b"Created:" not in page.content
    assert b"Fix the values and try again" in page.content


def test_several_vms_each_get_their_owner(client, creator, simulator, wizard_data):
    client.force_login(creator)
    client.post(
        "/clusters/sim/create-vm",
        wizard_data(action="create", name="web{n}.sim.test", count="3", use_iallocator="on"),
    )
    follow_jobs(rounds=4)
    creation = CreationRequest.objects.get()
    assert creation.jobs.count() == 4  # the allocation, then one creation job per VM
    for name in ("web1.sim.test", "web2.sim.test", "web3.sim.test"):
        vm = VirtualMachine.objects.get(name=name)
        assert vm.owner == creator and can(creator, "admin", vm)
