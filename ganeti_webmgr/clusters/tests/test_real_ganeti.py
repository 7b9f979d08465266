"""Sync, job following and the push hook against the real Ganeti sandbox (make test-ganeti)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti.tests.helpers import SANDBOX_ENV, read_sandbox_env
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.worker.loop import Worker

pytestmark = [pytest.mark.ganeti, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[3]
HOOK = REPO / "share/ganeti-hooks/gwm-notify"
HOOKS_DIR = Path("/etc/ganeti/hooks/instance-add-post.d")
HOOK_CONF = Path("/etc/ganeti/gwm-notify.conf")


@pytest.fixture
def env() -> dict[str, str]:
    try:
        return read_sandbox_env()
    except OSError as error:
        pytest.fail(f"no Ganeti sandbox ({SANDBOX_ENV}: {error.strerror}); run make test-ganeti")


@pytest.fixture
def cluster(env) -> Cluster:
    cluster = Cluster(
        slug="sandbox",
        hostname=env["GANETI_RAPI_HOST"],
        port=int(env["GANETI_RAPI_PORT"]),
        username=env["GANETI_RAPI_USER"],
        fingerprint=env["GANETI_RAPI_CERT_SHA256"],
    )
    cluster.password = env["GANETI_RAPI_PASSWORD"]
    cluster.save()
    return cluster


def gnt(*args: str) -> str:
    """Run a Ganeti command in the sandbox; its output (hook failures are reported there)."""
    result = subprocess.run(
        [str(REPO / "bin/ganeti-sandbox"), "exec", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return result.stdout + result.stderr


def add_instance(env, name: str) -> str:
    return gnt(
        "gnt-instance",
        "add",
        "-t",
        "diskless",
        "-o",
        env.get("GANETI_OS", "noop+default"),
        "--no-name-check",
        "--no-ip-check",
        "--no-start",
        "--no-install",
        "-n",
        env["GANETI_NODE_NAME"],
        name,
    )


def remove_instance(name: str) -> None:
    subprocess.run(
        [str(REPO / "bin/ganeti-sandbox"), "exec", "gnt-instance", "remove", "-f", name],
        capture_output=True,
        timeout=180,
        check=False,
    )


def unique(stem: str) -> str:
    return f"{stem}-{secrets.token_hex(3)}.ganeti.test"


def test_instances_added_and_removed_with_gnt_instance_show_up_and_go_missing(env, cluster):
    name = unique("gwm-sync")
    try:
        add_instance(env, name)
        result = sync.sync_cluster(cluster)
        assert name in result.virtual_machines.created
        vm = VirtualMachine.objects.get(cluster=cluster, name=name)
        assert (vm.disk_template, vm.status, vm.primary_node.name) == (
            "diskless",
            "ADMIN_down",
            env["GANETI_NODE_NAME"],
        )
        assert sync.sync_cluster(cluster).virtual_machines.updated == []  # nothing changed
    finally:
        remove_instance(name)
    result = sync.sync_cluster(cluster)
    assert result.virtual_machines.missing == [name]
    assert VirtualMachine.objects.get(cluster=cluster, name=name).missing


def test_a_job_started_through_the_client_is_followed_and_the_vm_updates(env, cluster):
    name = unique("gwm-job")
    try:
        add_instance(env, name)
        sync.sync_cluster(cluster)
        job = Job.objects.create(
            cluster=cluster,
            job_id=client_for(cluster).startup_instance(name),
            target_kind=Job.TargetKind.VIRTUAL_MACHINE,
            target_name=name,
        )
        Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=2, tick=0.1).run(
            once=True, handle_signals=False
        )
        job.refresh_from_db()
        assert (job.status, job.finished) == ("success", True)
        assert job.operations == [f"INSTANCE_STARTUP({name})"]
        vm = VirtualMachine.objects.get(cluster=cluster, name=name)
        assert (vm.status, vm.oper_state) == ("running", True)
        assert job.virtual_machine == vm
    finally:
        remove_instance(name)


def test_a_failing_job_keeps_ganetis_error(env, cluster):
    sync.sync_cluster(cluster)
    node = env["GANETI_NODE_NAME"]
    job = Job.objects.create(
        cluster=cluster,
        # One node: Ganeti refuses to change the master's role.
        job_id=client_for(cluster).set_node_role(node, "drained"),
        target_kind=Job.TargetKind.NODE,
        target_name=node,
    )
    Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=2, tick=0.1).run(
        once=True, handle_signals=False
    )
    job.refresh_from_db()
    assert (job.status, job.finished) == ("error", True)
    assert (job.error_class, job.error_code) == ("OpPrereqError", "wrong_input")
    assert "master" in job.error_message


def test_the_ganeti_hook_makes_a_new_instance_appear_within_two_seconds(env, cluster, settings):
    host = env["GANETI_HOST_IP"]  # the host end of the sandbox's veth
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    token = cluster.new_notify_token()
    cluster.save()
    server = LiveServer(f"{host}:0")
    worker = Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=1, tick=0.1)
    thread = threading.Thread(target=worker.run, kwargs={"handle_signals": False})
    name = unique("gwm-push")
    HOOKS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        HOOK_CONF.write_text(
            f"GWM_URL={server.url}\nGWM_CLUSTER=sandbox\nGWM_TOKEN={token}\nGWM_ALLOW_HTTP=yes\n"
        )  # plain HTTP inside the test namespace only
        HOOK_CONF.chmod(0o600)
        shutil.copy(HOOK, HOOKS_DIR / "gwm-notify")
        thread.start()
        deadline = time.monotonic() + 30
        while not Cluster.objects.get(pk=cluster.pk).last_sync_at:  # the first sync
            assert time.monotonic() < deadline
            time.sleep(0.05)
        output = add_instance(env, name)
        added = time.monotonic()
        while not VirtualMachine.objects.filter(cluster=cluster, name=name).exists():
            assert time.monotonic() - added < 2.0, f"not in GWM 2 s after adding it: {output}"
            time.sleep(0.05)
    finally:
        (HOOKS_DIR / "gwm-notify").unlink(missing_ok=True)
        HOOK_CONF.unlink(missing_ok=True)
        worker.stop()
        thread.join(timeout=30)
        server.stop()
        remove_instance(name)


def test_the_owner_tag_is_written_and_seen_again(env, cluster):
    from django.contrib.auth.models import User

    from ganeti_webmgr.virtual_machines.ownership import set_owner

    name = unique("gwm-owner")
    try:
        add_instance(env, name)
        sync.sync_cluster(cluster)
        vm = VirtualMachine.objects.get(cluster=cluster, name=name)
        serial = vm.serial_no
        set_owner(vm, User.objects.create_user("owner1"))
        Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=2, tick=0.1).run(
            once=True, handle_signals=False
        )
        vm.refresh_from_db()
        # Ganeti bumps serial_no on a tag change, which is how the refresh sees it.
        assert "gwm:owner:user:owner1" in vm.tags and vm.serial_no > serial
        assert Job.objects.filter(virtual_machine=vm, status="success").count() == 1
    finally:
        remove_instance(name)
