"""VM list, VM page and VM actions, against the RAPI simulator."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(synced_cluster):
    return synced_cluster


@pytest.fixture
def alice(synced):
    """Power on inst1 and admin of inst2; nothing else."""
    user = User.objects.create_user("alice", password="pw")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), user, ["power"])
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), user, ["admin"])
    return user


def test_the_list_shows_only_what_the_user_may_see(client, alice):
    client.force_login(alice)
    response = client.get("/vms/")
    assert response.status_code == 200
    names = [vm.name for vm in response.context["page"].object_list]
    assert names == ["inst1.sim.test", "inst2.sim.test"]


def test_the_list_filters_and_sorts(admin_client, synced):
    response = admin_client.get("/vms/", {"q": "inst1", "sort": "-name"})
    assert [vm.name for vm in response.context["page"].object_list] == [
        "inst10.sim.test",
        "inst1.sim.test",
    ]
    running = admin_client.get("/vms/", {"state": "running"}).context["page"].paginator.count
    assert running == VirtualMachine.objects.filter(status="running").count() > 0


def test_the_list_query_count_does_not_grow(admin_client, synced, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        admin_client.get("/vms/")


def test_a_cluster_list_of_an_invisible_cluster_is_404(client, alice, make_cluster, simulator):
    make_cluster(simulator, "other")
    client.force_login(alice)
    assert client.get("/clusters/sim/vms/").status_code == 200
    assert client.get("/clusters/other/vms/").status_code == 404


def test_the_vm_page_offers_only_allowed_actions(client, alice):
    client.force_login(alice)
    page = client.get("/clusters/sim/vms/inst1.sim.test/")
    assert page.status_code == 200
    running = VirtualMachine.objects.get(name="inst1.sim.test").running
    text = page.content.decode()
    assert (">Shut down…<" in text) is running
    assert (">Start<" in text) is not running
    assert "Delete…" not in text and "Rename…" not in text
    assert client.get("/clusters/sim/vms/inst3.sim.test/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_action_is_recorded_then_submitted_by_the_worker(client, alice, simulator, run_worker):
    VirtualMachine.objects.filter(name="inst1.sim.test").update(oper_state=True)
    client.force_login(alice)
    response = client.post(
        "/clusters/sim/vms/inst1.sim.test/reboot", {"reboot_type": "hard"}, follow=True
    )
    job = Job.objects.get()
    assert b"Requested: hard reboot of inst1.sim.test" in response.content
    assert (job.requested_by, job.target_name, job.status) == (
        alice,
        "inst1.sim.test",
        "submitting",
    )
    assert (job.action, job.params) == ("vm.reboot", {"reboot_type": "hard"})
    entry = Entry.objects.get(action="vm.reboot")
    assert entry.actor == alice and entry.job == job
    assert not [r for r in simulator.requests if r.method != "GET"]
    run_worker()
    reboot = next(r for r in simulator.requests if r.path == "/2/instances/inst1.sim.test/reboot")
    assert reboot.query["type"] == ["hard"]
    assert reboot.query["reason"] == [Job.objects.get().reason]
    job.refresh_from_db()
    assert job.job_id is not None and job.finished


def test_an_action_without_permission_is_403_and_starts_nothing(client, alice, simulator):
    client.force_login(alice)
    response = client.post(
        "/clusters/sim/vms/inst1.sim.test/remove", {"confirm_name": "inst1.sim.test"}
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_delete_needs_the_name_typed(client, alice):
    client.force_login(alice)
    response = client.post("/clusters/sim/vms/inst2.sim.test/remove", {"confirm_name": "x"})
    assert response.status_code == 400
    assert b"Type inst2.sim.test exactly." in response.content
    assert not Job.objects.exists()
    client.post("/clusters/sim/vms/inst2.sim.test/remove", {"confirm_name": "inst2.sim.test"})
    assert Job.objects.get().target_name == "inst2.sim.test"


def test_bad_input_is_named(client, alice):
    VirtualMachine.objects.filter(name="inst1.sim.test").update(oper_state=True)
    client.force_login(alice)
    response = client.post("/clusters/sim/vms/inst1.sim.test/shutdown", {"timeout": "soon"})
    assert response.status_code == 400
    assert b"Timeout (s): Enter a whole number." in response.content
    assert not Job.objects.exists()


def test_an_unknown_action_is_404(client, alice):
    client.force_login(alice)
    assert client.post("/clusters/sim/vms/inst1.sim.test/explode").status_code == 404
    assert client.post("/clusters/sim/vms/inst1.sim.test/create").status_code == 404
    assert not Job.objects.exists()


def test_read_only_clusters_refuse_actions(client, simulator, make_cluster):
    cluster = make_cluster(simulator, "ro", read_only=True)
    sync.sync_cluster(cluster)
    client.force_login(User.objects.create_superuser("root", password="pw"))
    page = client.get("/clusters/ro/vms/inst1.sim.test/")
    assert b"read-only" in page.content and b">Start<" not in page.content
    assert ">Shut down…<" not in page.content.decode()
    assert client.post("/clusters/ro/vms/inst1.sim.test/start").status_code == 403
    assert not Job.objects.exists()


def test_actions_are_asked_for_by_post_only(client, alice):
    client.force_login(alice)
    # GET shows the action's page (Start: not now, the VM runs); nothing is recorded.
    assert client.get("/clusters/sim/vms/inst1.sim.test/start").status_code == 409
    assert client.put("/clusters/sim/vms/inst1.sim.test/start").status_code == 405
    assert not Job.objects.exists()


def test_the_status_fragment_follows_the_vm_and_its_jobs(client, alice):
    client.force_login(alice)
    vm = VirtualMachine.objects.get(name="inst1.sim.test")
    fragment = client.get("/clusters/sim/vms/inst1.sim.test/status")
    assert fragment.status_code == 200 and fragment["Cache-Control"] == "no-store"
    assert b'hx-trigger="every 5s"' in fragment.content
    assert b"<html" not in fragment.content  # just the fragment
    Job.objects.create(
        cluster=vm.cluster,
        job_id=77,
        virtual_machine=vm,
        status="running",
        operations=["INSTANCE_REBOOT(inst1.sim.test)"],
    )
    VirtualMachine.objects.filter(pk=vm.pk).update(status="ERROR_down")
    fragment = client.get("/clusters/sim/vms/inst1.sim.test/status")
    assert b'hx-trigger="every 1s"' in fragment.content  # faster while a job runs
    assert b"INSTANCE_REBOOT(inst1.sim.test)</a>: running" in fragment.content
    assert b"ERROR_down" in fragment.content
    assert client.get("/clusters/sim/vms/inst3.sim.test/status").status_code == 404


def test_pages_load_htmx_from_gwm_itself(client, alice):
    client.force_login(alice)
    page = client.get("/clusters/sim/vms/inst1.sim.test/")
    assert b'src="/static/django_htmx/htmx-2.min.js"' in page.content
    assert b'hx-get="/clusters/sim/vms/inst1.sim.test/status?shown=' in page.content


def test_the_actions_follow_the_vms_state_while_the_page_is_open(client, alice):
    client.force_login(alice)
    VirtualMachine.objects.filter(name="inst1.sim.test").update(oper_state=True, status="running")
    page = client.get("/clusters/sim/vms/inst1.sim.test/")
    assert b'hx-get="/clusters/sim/vms/inst1.sim.test/actions"' in page.content
    shown = page.context["shown"]
    poll = client.get("/clusters/sim/vms/inst1.sim.test/status", {"shown": shown})
    assert "HX-Trigger" not in poll  # unchanged: the forms stay as the user filled them
    VirtualMachine.objects.filter(name="inst1.sim.test").update(
        oper_state=False, status="ADMIN_down"
    )
    poll = client.get("/clusters/sim/vms/inst1.sim.test/status", {"shown": shown})
    assert poll["HX-Trigger"] == "vm-changed"
    assert f"shown={shown}".encode() not in poll.content  # the next poll compares anew
    actions = client.get("/clusters/sim/vms/inst1.sim.test/actions")
    assert actions.status_code == 200 and actions["Cache-Control"] == "no-store"
    assert b">Start<" in actions.content and ">Shut down…<" not in actions.content.decode()
    assert b"<html" not in actions.content
    assert client.get("/clusters/sim/vms/inst3.sim.test/actions").status_code == 404


def test_node_names_link_to_node_pages_for_those_who_see_nodes(client, simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    vm = VirtualMachine.objects.select_related("primary_node").get(name="inst1.sim.test")
    node_link = f'<a href="/clusters/sim/nodes/{vm.primary_node.name}/">'
    vm_user = User.objects.create_user("vm-user")
    set_permissions(vm, vm_user, ["power"])
    client.force_login(vm_user)
    assert node_link not in client.get("/clusters/sim/vms/inst1.sim.test/").content.decode()
    assert node_link not in client.get("/vms/").content.decode()
    admin = User.objects.create_user("cluster-admin")
    set_permissions(cluster, admin, ["admin"])
    client.force_login(admin)
    assert node_link in client.get("/clusters/sim/vms/inst1.sim.test/").content.decode()
    listing = client.get("/vms/").content.decode()
    assert node_link in listing and '<a href="/clusters/sim/">sim</a>' in listing
