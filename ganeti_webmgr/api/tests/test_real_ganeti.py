"""The API's create-start-reboot flow against the real Ganeti sandbox (make test-ganeti).

Only the API is asked (a script's view); gwm-worker's passes run in the test between
the /wait/ calls, and what Ganeti has is read with a client of the test's own.
"""

from __future__ import annotations

import time

import pytest

from ganeti_webmgr.clusters.rapi import new_client
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.testing.sandbox import unique

pytestmark = [pytest.mark.ganeti, pytest.mark.django_db(transaction=True)]


def asked(answer) -> str:
    assert answer.status_code == 202, answer.content
    return answer["Location"]


def follow(client, job_url: str, run_worker, timeout: float = 180) -> dict:
    """Let gwm-worker work and /wait/ on the job until it has ended."""
    deadline = time.monotonic() + timeout
    answer = client.get(job_url)
    while True:
        job, etag = answer.json(), answer["ETag"]
        if job["finished"]:
            return job
        assert time.monotonic() < deadline, job
        run_worker(1)
        answer = client.get(f"{job_url}wait/?timeout=2", HTTP_IF_NONE_MATCH=etag)
        if answer.status_code == 304:
            answer = client.get(job_url)
        assert answer.status_code == 200, answer.status_code


def test_a_script_creates_starts_and_reboots_a_vm(
    api, bob, sandbox_env, synced_sandbox, sandbox_instances, run_worker
):
    name = unique("gwm-api")
    sandbox_instances.append(name)
    set_permissions(synced_sandbox, bob, ["create_vm"])
    client = api(bob)
    body = {
        "name": name,
        "os": sandbox_env.get("GANETI_OS", "noop+default"),
        "hypervisor": "fake",
        "disk_template": "diskless",
        "memory": "128M",
        "use_iallocator": False,
        "pnode": sandbox_env["GANETI_NODE_NAME"],
        "start": False,
        "name_check": False,  # the sandbox's names resolve nowhere
        "ip_check": False,
    }
    job = follow(
        client, asked(client.post("/api/v1/clusters/sandbox/vms/", body, format="json")), run_worker
    )
    assert (job["status"], job["error_message"]) == ("success", ""), job
    vm_url = f"/api/v1/clusters/sandbox/vms/{name}/"
    assert job["target"] == vm_url
    assert client.get(vm_url).json()["owner"] == "bob"

    job = follow(
        client, asked(client.post(f"{vm_url}actions/start/", {}, format="json")), run_worker
    )
    assert (job["status"], job["action"]) == ("success", "vm.start"), job
    job = follow(
        client,
        asked(client.post(f"{vm_url}actions/reboot/", {"reboot_type": "hard"}, format="json")),
        run_worker,
    )
    assert job["status"] == "success", job
    with new_client(synced_sandbox) as rapi:
        info = rapi.get_instance(name)
    assert (info.status, info.oper_state) == ("running", True)
    run_worker()  # the sync after the job brings Ganeti's state in
    vm = client.get(vm_url).json()
    assert (vm["status"], vm["oper_state"]) == ("running", True)
