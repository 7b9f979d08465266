"""A script's day, through the API alone: create a VM on the simulator, wait for its
job, start it, wait again; gwm-worker (run in the test) submits and follows."""

from __future__ import annotations

import pytest

from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db(transaction=True)


def asked(answer) -> str:
    """The job's address from an action's 202."""
    assert answer.status_code == 202, answer.content
    return answer["Location"]


def wait_until_finished(client, job_url: str, run_worker) -> dict:
    """GET the job (its ETag), let gwm-worker work, then /wait/ for what changed."""
    etag = client.get(job_url)["ETag"]
    run_worker()
    answer = client.get(f"{job_url}wait/?timeout=5", HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200, answer.status_code
    job = answer.json()
    assert job["finished"], job
    return job


def test_a_vm_is_created_started_and_seen_through_the_api(
    api, bob, simulator, synced_cluster, run_worker
):
    set_permissions(synced_cluster, bob, ["create_vm"])
    client = api(bob)
    created = asked(
        client.post(
            "/api/v1/clusters/sim/vms/",
            {
                "name": "api1.sim.test",
                "os": "noop+default",
                "disk_template": "diskless",
                "memory": "256M",
                "use_iallocator": False,
                "pnode": "node1.sim.test",
                "start": False,
            },
            format="json",
        )
    )
    job = wait_until_finished(client, created, run_worker)
    assert (job["status"], job["error_message"]) == ("success", "")
    assert job["target"] == "/api/v1/clusters/sim/vms/api1.sim.test/"

    vm = client.get(job["target"]).json()
    assert (vm["owner"], vm["oper_state"]) == ("bob", False)
    # The owner administers what they made: starting it is among bob's actions now.
    offered = client.get(f"{job['target']}actions/").json()["results"]
    assert "vm.start" in {row["name"] for row in offered}
    started = asked(client.post(f"{job['target']}actions/start/", {}, format="json"))
    job = wait_until_finished(client, started, run_worker)
    assert (job["status"], job["action"]) == ("success", "vm.start")
    assert simulator.cluster.instances["api1.sim.test"]["oper_state"] is True
    vm = client.get(job["target"]).json()
    assert (vm["status"], vm["oper_state"]) == ("running", True)
    assert [row["id"] for row in client.get("/api/v1/jobs/").json()["results"]][:2] == [
        int(started.rstrip("/").rsplit("/", 1)[1]),
        int(created.rstrip("/").rsplit("/", 1)[1]),
    ]


def test_a_renamed_vms_old_address_sends_a_get_on_and_refuses_the_rest(
    api, bob, charlie, simulator, synced_cluster, run_worker
):
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    vm = VirtualMachine.objects.filter(oper_state=False).order_by("name").first()
    set_permissions(vm, bob, ["admin"])
    client = api(bob)
    old = f"/api/v1/clusters/sim/vms/{vm.name}/"
    renamed = asked(
        client.post(
            f"{old}actions/rename/",
            {"new_name": "renamed.sim.test", "name_check": False, "ip_check": False},
            format="json",
        )
    )
    assert wait_until_finished(client, renamed, run_worker)["status"] == "success"
    new = "/api/v1/clusters/sim/vms/renamed.sim.test/"
    moved = client.get(old)
    assert moved.status_code == 301 and moved["Location"] == new
    assert moved.json() == {
        "detail": "This virtual machine was renamed to renamed.sim.test.",
        "code": "moved",
        "name": "renamed.sim.test",
    }
    assert client.get(f"{old}actions/?x=1")["Location"] == f"{new}actions/?x=1"
    assert client.get(new).json()["name"] == "renamed.sim.test"
    # An action meant for the old name does nothing; an outsider learns nothing.
    assert client.post(f"{old}actions/start/", {}, format="json").status_code == 404
    assert api(charlie).get(old).status_code == 404
