"""The wizard's pages: choose a cluster, review, create, watch, fix and resubmit."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.provisioning.models import CreationRequest

pytestmark = pytest.mark.django_db
CREATE = "/clusters/sim/create-vm"


def creates(simulator):
    return [r for r in simulator.requests if r.method == "POST" and r.path.startswith("/2/inst")]


def test_choosing_a_cluster_lists_only_those_allowed(
    client, cluster, creator, make_cluster, simulator
):
    make_cluster(simulator, "other")
    client.force_login(creator)
    assert client.get("/vms/create").url == "/clusters/sim/create-vm"  # only one: straight there
    set_permissions(Cluster.objects.get(slug="other"), creator, ["create_vm"])
    Cluster.objects.filter(slug="other").update(read_only=True)
    assert client.get("/vms/create").url == "/clusters/sim/create-vm"  # read-only: not offered
    Cluster.objects.filter(slug="other").update(read_only=False)
    page = client.get("/vms/create")
    assert page.status_code == 200 and b"/clusters/other/create-vm" in page.content


def test_someone_without_create_vm_is_refused(client, cluster, simulator, wizard_data):
    viewer = User.objects.create_user("viewer")
    set_permissions(cluster, viewer, ["migrate"])
    client.force_login(viewer)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, wizard_data(action="create")).status_code == 403
    assert creates(simulator) == []
    outsider = User.objects.create_user("outsider")
    client.force_login(outsider)
    assert client.get(CREATE).status_code == 404


def test_the_page_offers_the_cluster_choices(client, creator):
    client.force_login(creator)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert b'<option value="noop+minimal">' in page.content
    assert b"Hypervisor parameters for kvm" in page.content
    assert b'name="disk-0-size" value="10G"' in page.content


def test_review_shows_a_summary_and_sends_nothing(client, creator, simulator, wizard_data):
    client.force_login(creator)
    page = client.post(CREATE, wizard_data(action="review"))
    assert page.status_code == 200
    summary = dict(page.context["summary"])
    assert summary["Names"] == "new1.sim.test"
    assert summary["Placement"] == "node1.sim.test"
    assert b'value="create"' in page.content
    assert creates(simulator) == []


def submit_requests(simulator):
    from ganeti_webmgr.actions.submission import send
    from ganeti_webmgr.clusters.rapi import client_for

    for job in Job.objects.filter(status="submitting"):
        Job.objects.filter(pk=job.pk).update(
            job_id=send(job, client_for(job.cluster)), status="queued"
        )


def test_create_submits_a_version_1_request_and_shows_progress(
    client, creator, simulator, wizard_data
):
    client.force_login(creator)
    response = client.post(CREATE, wizard_data(action="create"))
    creation = CreationRequest.objects.get()
    assert response.url == f"/clusters/sim/create-vm/{creation.pk}/"
    assert creates(simulator) == []  # the web request only records it
    submit_requests(simulator)
    [request] = creates(simulator)
    assert request.path == "/2/instances"
    assert request.body["__version__"] == 1
    assert request.body["instance_name"] == "new1.sim.test"
    assert request.body["tags"] == ["gwm:owner:user:creator"]
    assert request.body["name_check"] is False and request.body["start"] is True
    job = Job.objects.get()
    assert (job.target_kind, job.target_name, job.requested_by) == ("vm", "new1.sim.test", creator)
    assert Entry.objects.get(action="vm.create").message == "create new1.sim.test"
    assert creation.owner == creator and creation.names == ["new1.sim.test"]

    page = client.get(response.url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert b'hx-trigger="every 1s"' in page.content  # running: the page follows it
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"creation-progress" in fragment.content


def test_a_form_gwm_refuses_is_kept(client, creator, simulator, wizard_data):
    client.force_login(creator)
    page = client.post(CREATE, wizard_data(action="create", name="Bad_Name!"))
    assert page.status_code == 200
    assert b'value="Bad_Name!"' in page.content
    assert not CreationRequest.objects.exists() and not Job.objects.exists()


def test_a_failed_creation_can_be_fixed_and_resubmitted(client, creator, simulator, wizard_data):
    client.force_login(creator)
    client.post(CREATE, wizard_data(action="create", name="again.sim.test", memory="768M"))
    creation = CreationRequest.objects.get()
    Job.objects.update(status="error", finished=True, error_message="Not enough memory")
    page = client.get(f"/clusters/sim/create-vm/{creation.pk}/")
    assert b"Not enough memory" in page.content
    assert b"hx-trigger" not in page.content  # finished: no more polling
    again = client.get(f"{CREATE}?from={creation.pk}")
    form = again.context["form"]
    assert form["name"].value() == "again.sim.test" and form["memory"].value() == "768M"
    assert b"Ganeti did not create it last time" in again.content
    assert b"Not enough memory" in again.content
    assert dict(again.context["summary"])["Names"] == "again.sim.test"  # ready to create


def test_others_may_not_see_a_creation(client, creator, simulator, wizard_data):
    client.force_login(creator)
    client.post(CREATE, wizard_data(action="create"))
    creation = CreationRequest.objects.get()
    other = User.objects.create_user("other")
    set_permissions(Cluster.objects.get(slug="sim"), other, ["create_vm"])
    client.force_login(other)
    assert client.get(f"/clusters/sim/create-vm/{creation.pk}/").status_code == 404
    assert client.get(f"{CREATE}?from={creation.pk}").context["form"]["name"].value() is None


def test_several_use_the_multi_allocation(client, creator, simulator, wizard_data):
    client.force_login(creator)
    client.post(
        CREATE,
        wizard_data(action="create", name="web{n}.sim.test", count="2", use_iallocator="on"),
    )
    submit_requests(simulator)
    [request] = creates(simulator)
    assert request.path == "/2/instances-multi-alloc"
    assert [i["instance_name"] for i in request.body["instances"]] == [
        "web1.sim.test",
        "web2.sim.test",
    ]
    assert request.body["iallocator"] == "hail"
    assert all(i["tags"] == ["gwm:owner:user:creator"] for i in request.body["instances"])
    assert Job.objects.get().target_kind == "cluster"
