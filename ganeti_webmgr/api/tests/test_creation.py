"""Creating VMs and reading VM templates through the API."""

from __future__ import annotations

import pytest

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.provisioning.models import CreationRequest, VMTemplate
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

VMS = "/api/v1/clusters/sim/vms/"
NEW = {
    "name": "new1.sim.test",
    "os": "noop+default",
    "disk_template": "diskless",
    "memory": "512M",
    "use_iallocator": False,
    "pnode": "node1.sim.test",
}


@pytest.fixture
def creator(bob, synced_cluster):
    set_permissions(synced_cluster, bob, ["create_vm"])
    return bob


def test_a_creation_is_the_wizards_request_owned_by_the_requester(api, creator):
    client = api(creator)
    answer = client.post(VMS, NEW, format="json")
    assert answer.status_code == 202, answer.content
    job = Job.objects.get()
    assert answer["Location"] == f"/api/v1/jobs/{job.pk}/"
    assert (job.action, job.status, job.target_name) == ("vm.create", "submitting", NEW["name"])
    allocation = job.params["allocation"]
    assert allocation["beparams"]["maxmem"] == 512 and allocation["disks"] == []
    assert allocation["start"] is True and allocation["pnode"] == "node1.sim.test"
    assert allocation["tags"] == ["gwm:owner:user:bob"]
    creation = CreationRequest.objects.get()
    assert creation.owner == creator and list(creation.jobs.all()) == [job]
    assert creation.values["name"] == [NEW["name"]]
    assert Entry.objects.get(job=job).via == client.token.label


def test_the_wizards_checks_answer_400_per_field(api, creator):
    body = {**NEW, "name": "not a name!", "disk_template": "file", "disks": [{"size": "lots"}]}
    answer = api(creator).post(VMS, body, format="json")
    assert answer.status_code == 400, answer.content
    errors = answer.json()["errors"]
    assert "name" in errors and errors["disks"][0].startswith("0: size: ")
    typo = api(creator).post(VMS, {**NEW, "memroy": "1G"}, format="json")
    assert typo.status_code == 400 and typo.json()["errors"] == {"memroy": ["Unknown field."]}
    rows = api(creator).post(VMS, {**NEW, "nics": [{"colour": "red"}]}, format="json")
    assert rows.status_code == 400 and "nics" in rows.json()["errors"]
    assert not Job.objects.exists()


def test_who_may_not_create_is_403_and_who_does_not_see_the_cluster_404(
    api, bob, charlie, synced_cluster
):
    vm = VirtualMachine.objects.order_by("name").first()
    set_permissions(vm, bob, ["power"])  # sees the cluster through the VM
    assert api(bob).post(VMS, NEW, format="json").status_code == 403
    assert api(charlie).post(VMS, NEW, format="json").status_code == 404
    set_permissions(synced_cluster, bob, ["create_vm"])
    assert api(bob, write=False).post(VMS, NEW, format="json").status_code == 403
    assert api(bob).get(VMS).status_code == 200  # the list is still there
    assert not Job.objects.exists()


def test_templates_are_seen_by_who_may_create_and_fill_in_a_creation(
    api, alice, creator, charlie, synced_cluster
):
    template = VMTemplate.objects.create(
        cluster=synced_cluster,
        name="small",
        values={
            "os": "noop+default",
            "disk_template": "file",
            "memory": "256M",
            "vcpus": 2,
            "disks": [{"size": "2G"}],
        },
        created_by=alice,
    )
    listed = api(creator).get("/api/v1/templates/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["id"], row["cluster"], row["name"]) == (template.pk, "sim", "small")
    assert api(creator).get(f"/api/v1/templates/{template.pk}/").json()["values"]["vcpus"] == 2
    assert api(charlie).get("/api/v1/templates/").json()["results"] == []
    assert api(charlie).get(f"/api/v1/templates/{template.pk}/").status_code == 404

    body = {
        "name": "new2.sim.test",
        "template": template.pk,
        "use_iallocator": False,
        "pnode": "node1.sim.test",
    }
    answer = api(creator).post(VMS, body, format="json")
    assert answer.status_code == 202, answer.content
    allocation = Job.objects.get().params["allocation"]
    assert (allocation["disk_template"], allocation["beparams"]["vcpus"]) == ("file", 2)
    assert allocation["disks"] == [{"size": 2048}]
    unknown = api(creator).post(VMS, {**body, "template": 999}, format="json")
    assert unknown.status_code == 400 and "template" in unknown.json()["errors"]
