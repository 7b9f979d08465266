"""The action layer against the real Ganeti sandbox (make test-ganeti).

Each test asks for an action through service.request, as a page does, then lets
gwm-worker's pass (run_worker) hand it to Ganeti and follow its job; it checks the
request's ending in GWM and what Ganeti really has, and removes what it made.
What Ganeti has is read with a client of the test's own (new_client): closing the
cached one (client_for) would close gwm-worker's connections too.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.actions import service
from ganeti_webmgr.clusters.rapi import new_client
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.testing.sandbox import add_instance, gnt, unique
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = [pytest.mark.ganeti, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def stopped_vm(sandbox_env, sandbox_cluster, sandbox_instances):
    """stopped_vm(stem, disk_template="diskless"): a stopped instance made in Ganeti,
    synced into GWM."""

    def make(stem: str, disk_template: str = "diskless") -> VirtualMachine:
        name = unique(stem)
        sandbox_instances.append(name)
        add_instance(sandbox_env, name, disk_template=disk_template)
        sync.record_success(sandbox_cluster, sync.sync_cluster(sandbox_cluster), 3600)
        return VirtualMachine.objects.select_related("cluster").get(
            cluster=sandbox_cluster, name=name
        )

    return make


def handed_over(job: Job, run_worker) -> Job:
    """job after gwm-worker's pass: submitted (or not) and followed to its end."""
    assert (job.status, job.job_id) == ("submitting", None)  # recorded only
    run_worker()
    job.refresh_from_db()
    assert job.finished, job.status
    return job


def test_a_stopped_vm_is_renamed_without_the_name_check(
    root, stopped_vm, sandbox_cluster, sandbox_instances, run_worker
):
    vm = stopped_vm("gwm-rename")
    new_name = unique("gwm-renamed")
    sandbox_instances.append(new_name)
    job = service.request(root, "vm.rename", vm, {"new_name": new_name})  # name_check unticked
    job = handed_over(job, run_worker)
    assert (job.status, job.error_message) == ("success", "")
    assert job.operations == ["INSTANCE_RENAME"]  # Ganeti's summary names no instance
    with new_client(sandbox_cluster) as rapi:
        names = rapi.list_instances()
    assert new_name in names and vm.name not in names
    # Following the job renamed GWM's record: the same row, its log and jobs kept.
    assert VirtualMachine.objects.get(pk=vm.pk).name == new_name


def test_a_rename_to_a_name_that_does_not_resolve_fails_in_ganeti(
    root, stopped_vm, sandbox_cluster, run_worker
):
    vm = stopped_vm("gwm-rename-check")
    job = service.request(
        root, "vm.rename", vm, {"new_name": "nowhere.ganeti.test", "name_check": "on"}
    )
    job = handed_over(job, run_worker)
    # Ganeti takes the job and its checks fail it: the name resolves nowhere here.
    assert job.job_id is not None
    assert (job.status, job.error_class, job.error_code) == (
        "error",
        "OpPrereqError",
        "resolver_error",
    )
    assert "The given name (nowhere.ganeti.test) does not resolve" in job.error_message
    with new_client(sandbox_cluster) as rapi:
        assert vm.name in rapi.list_instances()
    assert VirtualMachine.objects.get(pk=vm.pk).name == vm.name


def test_instance_tags_are_added_and_removed(root, stopped_vm, sandbox_cluster, run_worker):
    vm = stopped_vm("gwm-tags")
    job = handed_over(service.request(root, "vm.tags", vm, {"add": "web env:test"}), run_worker)
    assert job.status == "success"
    with new_client(sandbox_cluster) as rapi:
        assert {"web", "env:test"} <= set(rapi.get_tags("instance", vm.name))
    vm.refresh_from_db()  # the job's end read the VM again
    assert {"web", "env:test"} <= set(vm.tags)

    job = handed_over(service.request(root, "vm.tags", vm, {"remove": ["web"]}), run_worker)
    assert job.status == "success"
    with new_client(sandbox_cluster) as rapi:
        tags = rapi.get_tags("instance", vm.name)
    assert "web" not in tags and "env:test" in tags


def test_cluster_and_node_tags_are_added_and_removed(
    root, sandbox_env, sandbox_cluster, run_worker
):
    sync.record_success(sandbox_cluster, sync.sync_cluster(sandbox_cluster), 3600)
    node = Node.objects.get(cluster=sandbox_cluster, name=sandbox_env["GANETI_NODE_NAME"])
    tag = unique("gwm-tag").removesuffix(".ganeti.test")
    try:
        for kind, target, name in (("cluster", sandbox_cluster, None), ("node", node, node.name)):
            job = service.request(root, f"{kind}.tags", target, {"add": tag})
            assert handed_over(job, run_worker).status == "success", job.error_message
            with new_client(sandbox_cluster) as rapi:
                assert tag in rapi.get_tags(kind, name)
            target.refresh_from_db()
            job = service.request(root, f"{kind}.tags", target, {"remove": [tag]})
            assert handed_over(job, run_worker).status == "success", job.error_message
            with new_client(sandbox_cluster) as rapi:
                assert tag not in rapi.get_tags(kind, name)
    finally:  # whatever failed, the shared sandbox keeps no tag of ours
        with new_client(sandbox_cluster) as rapi:
            for kind, name in (("cluster", None), ("node", node.name)):
                if tag in rapi.get_tags(kind, name):
                    rapi.wait_for_job(rapi.delete_tags(kind, [tag], name), timeout=60)


def test_a_stopped_file_vm_is_exported_to_the_node(
    root, sandbox_env, stopped_vm, sandbox_cluster, run_worker
):
    vm = stopped_vm("gwm-export", disk_template="file")
    node = sandbox_env["GANETI_NODE_NAME"]
    job = service.request(
        root, "vm.export", vm, {"destination": node, "shutdown": "on"}, confirmed=True
    )
    job = handed_over(job, run_worker)
    assert (job.status, job.error_message) == ("success", "")
    assert job.operations == [f"BACKUP_EXPORT({vm.name})"]
    with new_client(sandbox_cluster) as rapi:
        assert vm.name in rapi.list_exports()[node]
        assert vm.name in rapi.list_instances()  # kept: remove_instance unticked
    # The export stays (RAPI cannot remove one): with gnt-backup remove of a node's last
    # export, /2/query/export would have no row for the node at all, unlike a node that
    # never had one, and the client's contract tests read that row.


def test_a_migration_gwm_refuses_itself_sends_nothing(root, stopped_vm, sandbox_cluster):
    vm = stopped_vm("gwm-no-migrate", disk_template="file")
    with new_client(sandbox_cluster) as rapi:
        before = set(rapi.list_jobs())
    with pytest.raises(service.Unavailable, match=r"its disk template \(file\) has no second"):
        service.request(root, "vm.migrate", vm, {})
    assert not Job.objects.filter(action="vm.migrate").exists()
    with new_client(sandbox_cluster) as rapi:
        assert set(rapi.list_jobs()) == before  # Ganeti was asked nothing


def test_a_request_ganeti_refuses_ends_not_started_with_its_words(
    root, stopped_vm, sandbox_cluster, run_worker
):
    vm = stopped_vm("gwm-drained")
    gnt("gnt-cluster", "queue", "drain")  # as for maintenance: every new job refused
    try:
        job = handed_over(service.request(root, "vm.start", vm, {}), run_worker)
    finally:
        gnt("gnt-cluster", "queue", "undrain")
    assert (job.status, job.job_id) == ("not_started", None)
    assert job.error_message.startswith("Ganeti refused: ")
    assert "drained" in job.error_message, job.error_message
    with new_client(sandbox_cluster) as rapi:
        assert rapi.get_instance(vm.name).status == "ADMIN_down"  # nothing was done
