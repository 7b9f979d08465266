"""The creation wizard against the real Ganeti sandbox (make test-ganeti).

Each test posts the wizard as a browser would (the Django test client, action=create),
follows the job with gwm-worker's loop, checks GWM and Ganeti, and removes what it made:
the sandbox is shared with the other real-Ganeti tests of the run.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.utils.html import escape

from ganeti_webmgr.clusters.rapi import new_client
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.permissions.rules import can
from ganeti_webmgr.provisioning.models import CreationRequest
from ganeti_webmgr.testing.sandbox import add_instance, unique
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.worker.loop import Worker

pytestmark = [pytest.mark.ganeti, pytest.mark.django_db(transaction=True)]

CREATE = "/clusters/sandbox/create-vm"


@pytest.fixture
def creator(synced_sandbox) -> User:
    """May create VMs on the sandbox, nothing else."""
    user = User.objects.create_user("creator", password="pw")
    set_permissions(synced_sandbox, user, ["create_vm"])
    return user


def wizard(sandbox_env, name: str, *, disk_template: str, disks=(), **fields) -> dict[str, str]:
    """The wizard's POST for one VM on the sandbox: noop OS, no name or IP check."""
    data = {
        "action": "create",
        "owner": "user:creator",
        "name": name,
        "count": "1",
        "first_number": "1",
        "hypervisor": "fake",
        "os": sandbox_env.get("GANETI_OS", "noop+default"),
        "disk_template": disk_template,
        "memory": "128M",
        "minmem": "",
        "vcpus": "1",
        "nic_count": "1",
        "pnode": sandbox_env["GANETI_NODE_NAME"],
        "snode": "",
        "start": "on",
        # name_check and ip_check unchecked: the sandbox's names resolve nowhere
    }
    for prefix, rows in (("disk", [{"size": s} for s in disks]), ("nic", [{}])):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "4",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "4",
            }
        )
        for number, row in enumerate(rows):
            data.update({f"{prefix}-{number}-{k}": v for k, v in row.items()})
    data.update(fields)
    return data


def create(client, data: dict[str, str], names: list[str] | None = None) -> CreationRequest:
    response = client.post(CREATE, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    creation = CreationRequest.objects.get(names=names or [data["name"]])
    assert response.url == f"{CREATE}/{creation.pk}/"
    return creation


def follow(creation: CreationRequest, jobs: int = 1, timeout: float = 120) -> list[Job]:
    """Run gwm-worker's loop until the creation's jobs (this many) have ended in Ganeti."""
    deadline = time.monotonic() + timeout
    while True:
        Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=3, tick=0.1).run(
            once=True, handle_signals=False
        )
        found = list(creation.jobs.order_by("job_id"))
        if len(found) >= jobs and all(job.finished for job in found):
            return found
        if found and found[0].finished and found[0].status != Job.Status.SUCCESS:
            return found  # nothing more will come
        assert time.monotonic() < deadline, [(j.job_id, j.status) for j in found]
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("disk_template", "disks"), [("diskless", ()), ("file", ("1G",))], ids=["diskless", "file"]
)
def test_the_wizard_creates_a_vm_its_owner_administers(
    client, sandbox_env, synced_sandbox, creator, sandbox_instances, disk_template, disks
):
    name = unique(f"gwm-wizard-{disk_template}")
    sandbox_instances.append(name)
    client.force_login(creator)
    creation = create(client, wizard(sandbox_env, name, disk_template=disk_template, disks=disks))
    [job] = follow(creation)
    assert (job.status, job.error_message) == ("success", "")
    assert job.operations == [f"INSTANCE_CREATE({name})"]

    vm = VirtualMachine.objects.get(cluster=synced_sandbox, name=name)
    assert job.virtual_machine == vm
    assert vm.owner == creator
    assert (vm.disk_template, vm.status, vm.primary_node.name) == (
        disk_template,
        "running",
        sandbox_env["GANETI_NODE_NAME"],
    )
    assert vm.memory == 128
    if disks:
        assert vm.raw["disk.sizes"] == [1024]
    # The owner may manage what they made, with nothing but create_vm on the cluster.
    creator = User.objects.get(pk=creator.pk)  # can() caches per user object
    assert can(creator, "admin", vm)
    assert not can(creator, "admin", synced_sandbox)
    # Ganeti has the owner tag from the create request itself.
    with new_client(synced_sandbox) as rapi:
        assert "gwm:owner:user:creator" in rapi.get_tags("instance", name)

    page = client.get(f"{CREATE}/{creation.pk}/")
    assert page.status_code == 200
    assert f'href="/clusters/sandbox/vms/{name}/"'.encode() in page.content
    assert b"Fix the values and try again" not in page.content


def test_a_vm_ganeti_rejects_shows_its_error_and_the_form_to_fix_it(
    client, sandbox_env, synced_sandbox, creator, sandbox_instances
):
    # The name is taken in Ganeti after GWM's last sync: the form cannot know.
    name = unique("gwm-wizard-taken")
    sandbox_instances.append(name)
    add_instance(sandbox_env, name)
    assert not VirtualMachine.objects.filter(cluster=synced_sandbox, name=name).exists()
    client.force_login(creator)
    sent = wizard(sandbox_env, name, disk_template="file", disks=("2G",), memory="256M")
    creation = create(client, sent)
    [job] = follow(creation)
    assert (job.status, job.error_class, job.error_code) == (
        "error",
        "OpPrereqError",
        "already_exists",
    )
    assert "already in the cluster" in job.error_message, job.error_message

    page = client.get(f"{CREATE}/{creation.pk}/")
    assert page.status_code == 200
    assert b"hx-trigger" not in page.content  # finished: the page stops polling
    text = page.content.decode()
    assert "Ganeti could not create it" in text
    assert escape(job.error_message) in text
    assert "Created:" not in text  # the VM of that name is not the one asked for
    fix = f'href="{CREATE}?from={creation.pk}"'
    assert fix in text and "Fix the values and try again" in text

    again = client.get(f"{CREATE}?from={creation.pk}")
    form = again.context["form"]
    assert [form[k].value() for k in ("name", "disk_template", "memory")] == [
        name,
        "file",
        "256M",
    ]
    assert form.disks.forms[0]["size"].value() == "2G"
    assert escape(job.error_message) in again.content.decode()
    # Following the job brought Ganeti's VM of that name into GWM: now the form knows.
    assert form.errors["name"] == [f"{name} exists already in this cluster."]
    vm = VirtualMachine.objects.get(cluster=synced_sandbox, name=name)
    creator = User.objects.get(pk=creator.pk)
    assert vm.owner is None and not can(creator, "admin", vm)  # not the creator's VM


def test_several_vms_each_get_their_owner(
    client, sandbox_env, synced_sandbox, creator, sandbox_instances
):
    # Placed on the node chosen in the form: hail finds no room on this one-node sandbox.
    stem = unique("gwm-wizard-multi").removesuffix(".ganeti.test")
    names = [f"{stem}-{n}.ganeti.test" for n in (1, 2)]
    sandbox_instances.extend(names)
    client.force_login(creator)
    data = wizard(sandbox_env, f"{stem}-{{n}}.ganeti.test", disk_template="diskless", count="2")
    creation = create(client, data, names)
    # The multi-allocation, then the creation job Ganeti started for each VM.
    allocation, *jobs = follow(creation, jobs=3)
    assert allocation.status == "success" and allocation.target_kind == "cluster"
    assert [(j.status, j.target_name) for j in jobs] == [("success", n) for n in names]

    creator = User.objects.get(pk=creator.pk)
    page = client.get(f"{CREATE}/{creation.pk}/").content.decode()
    with new_client(synced_sandbox) as rapi:
        for name in names:
            vm = VirtualMachine.objects.get(cluster=synced_sandbox, name=name)
            assert vm.owner == creator and can(creator, "admin", vm)
            assert "gwm:owner:user:creator" in rapi.get_tags("instance", name)
            assert f'href="/clusters/sandbox/vms/{name}/"' in page


def test_the_requesters_keys_reach_ganeti_in_the_mapped_os_parameter(
    client, sandbox_env, synced_sandbox, creator, sandbox_instances
):
    from ganeti_webmgr.accounts.models import SshKey
    from ganeti_webmgr.accounts.sshkeys import parse
    from ganeti_webmgr.accounts.tests.keys import ED25519, RSA_2048

    # The cluster's admin maps noop's ssh_key (bin/ganeti-sandbox declares it); the page
    # has Ganeti check it (a dry-run creation), which refuses one noop does not declare.
    client.force_login(User.objects.create_superuser("keyadmin", password="pw"))
    settings = "/clusters/sandbox/ssh-keys"
    refused = client.post(settings, {"form": "map", "os": "noop", "parameter": "root_key"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert escape("The OS noop does not declare a parameter 'root_key' (Ganeti: ") in page
    assert "not supported by the OS noop" in page
    saved = client.post(settings, {"form": "map", "os": "noop", "parameter": "ssh_key"})
    assert saved.status_code == 302
    lines = []
    for number, (line, _) in enumerate((ED25519, RSA_2048)):
        key = parse(line)
        SshKey.objects.create(
            user=creator, name=f"k{number}", key=key.line, fingerprint=key.fingerprint
        )
        lines.append(key.line)

    name = unique("gwm-wizard-keys")
    sandbox_instances.append(name)
    client.force_login(creator)
    creation = create(client, wizard(sandbox_env, name, disk_template="diskless"))
    [job] = follow(creation)
    assert (job.status, job.error_message) == ("success", "")
    with new_client(synced_sandbox) as rapi:
        info = rapi.wait_for_job(rapi.get_instance_info(name, static=True)).result
    # The instance's own OS parameters, as gnt-instance info shows them.
    assert info[name]["os_instance"] == {"ssh_key": "\n".join(lines)}
