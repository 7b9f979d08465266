"""Live job feedback: the fragments htmx polls while a job runs, and stops polling
when it has ended."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.jobs import follow
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
VM = "inst1.sim.test"
POLLING = b'hx-trigger="every 1s"'


@pytest.fixture
def cluster(synced_cluster):
    return synced_cluster


@pytest.fixture
def vm_user(cluster):
    user = User.objects.create_user("vmuser")
    set_permissions(VirtualMachine.objects.get(name=VM), user, ["power"])
    return user


def make_job(cluster, number, **fields):
    return Job.objects.create(cluster=cluster, job_id=number, **fields)


def node_of(vm_name):
    return VirtualMachine.objects.get(name=vm_name).primary_node


def fragments(job):
    """Every live fragment that shows job."""
    node = job.node.name
    return [
        f"/clusters/sim/jobs/{job.job_id}/status",
        "/clusters/sim/jobs/recent",
        f"/clusters/sim/nodes/{node}/jobs",
        f"/clusters/sim/vms/{VM}/jobs",
    ]


def test_fragments_poll_every_second_while_the_job_runs_then_stop(admin_client, cluster):
    job = make_job(
        cluster,
        3,
        virtual_machine=VirtualMachine.objects.get(name=VM),
        node=node_of(VM),
        status="running",
        log=[[1, 1.0, "message", "* waiting for the disks"]],
    )
    for url in fragments(job):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert POLLING in response.content and f'hx-get="{url}"'.encode() in response.content
        assert b"running" in response.content
        assert b"* waiting for the disks" in response.content, url
    Job.objects.filter(pk=job.pk).update(
        status="error",
        finished=True,
        error_class="OpExecError",
        error_message="Disk sync failed",
        log=[[1, 1.0, "message", "* waiting for the disks"], [2, 2.0, "message", "* gave up"]],
    )
    for url in fragments(job):
        response = admin_client.get(url)
        assert b"hx-trigger" not in response.content and b"hx-get" not in response.content, url
        assert b"Disk sync failed" in response.content
    status = admin_client.get(fragments(job)[0]).content
    assert b"* gave up" in status and b"OpExecError: Disk sync failed" in status
    assert b"Acknowledge the error" in status  # the fragment brings the actions up to date


def test_pages_poll_only_while_a_job_is_unfinished(admin_client, cluster):
    node = node_of(VM)
    pages = [
        "/clusters/sim/",
        f"/clusters/sim/nodes/{node.name}/?tab=jobs",  # the jobs are a tab of theirs
        f"/clusters/sim/vms/{VM}/?tab=jobs",
        "/clusters/sim/jobs/4/",
    ]
    vm = VirtualMachine.objects.get(name=VM)
    make_job(cluster, 4, virtual_machine=vm, node=node, status="success", finished=True)
    for url in pages[:3]:
        assert b"hx-get" not in admin_client.get(url).content.split(b'id="recent-jobs"')[1], url
    assert POLLING not in admin_client.get(pages[3]).content
    Job.objects.filter(job_id=4).update(status="queued", finished=False)
    for url in pages:
        assert POLLING in admin_client.get(url).content, url


def test_a_job_followed_to_its_end_stops_the_polling(client, cluster, simulator):
    """End to end: a node action is asked for, submitted, and the follow step ends it."""
    from ganeti_webmgr.actions.submission import send

    admin = User.objects.create_user("cadmin")
    set_permissions(cluster, admin, ["admin"])
    client.force_login(admin)
    node = Node.objects.filter(cluster=cluster).first()
    fragment = f"/clusters/sim/nodes/{node.name}/jobs"
    with simulator.hold_jobs():
        client.post(f"/clusters/sim/nodes/{node.name}/tags", {"add": "rack:4"})
        job = Job.objects.get(node=node)
        assert POLLING in client.get(fragment).content  # being submitted
        Job.objects.filter(pk=job.pk).update(job_id=send(job, client_for(cluster)), status="queued")
        job.refresh_from_db()
        assert POLLING in client.get(fragment).content
        assert POLLING in client.get("/clusters/sim/jobs/recent").content
    while not follow.step(Job.objects.get(pk=job.pk), client_for(cluster)):
        pass
    assert Job.objects.get(pk=job.pk).status == "success"
    for url in (fragment, "/clusters/sim/jobs/recent", f"/clusters/sim/jobs/{job.job_id}/status"):
        content = client.get(url).content
        assert POLLING not in content and b"success" in content, url


def test_fragments_show_only_the_jobs_the_user_may_see(client, cluster, vm_user):
    make_job(cluster, 10, virtual_machine=VirtualMachine.objects.get(name=VM), status="running")
    make_job(cluster, 11, virtual_machine=VirtualMachine.objects.get(name="inst2.sim.test"))
    client.force_login(vm_user)
    content = client.get("/clusters/sim/jobs/recent").content
    assert b"/clusters/sim/jobs/10/" in content and b"/clusters/sim/jobs/11/" not in content
    assert client.get("/clusters/sim/jobs/10/status").status_code == 200
    assert client.get("/clusters/sim/jobs/11/status").status_code == 404
    assert client.get("/clusters/sim/vms/inst2.sim.test/jobs").status_code == 404
    node = node_of(VM).name
    assert client.get(f"/clusters/sim/nodes/{node}/jobs").status_code == 404  # nodes: admins


def test_fragments_need_a_login_and_get(client, admin_client, cluster):
    make_job(cluster, 12)
    for url in ("/clusters/sim/jobs/12/status", "/clusters/sim/jobs/recent"):
        assert client.get(url).status_code == 302
        assert admin_client.post(url).status_code == 405
    assert client.get("/clusters/other/jobs/recent").status_code == 302
    assert admin_client.get("/clusters/other/jobs/recent").status_code == 404
