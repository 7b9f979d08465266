"""Import VMs waiting in the list: rows from Ganeti's record, the chosen owner."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

URL = "/clusters/sim/import/vms/new"


def tag_requests(simulator):
    return [r for r in simulator.requests if r.method != "GET" and r.path.endswith("/tags")]


def test_the_list_shows_what_waits(client, cluster, admin_of):
    client.force_login(admin_of(cluster))
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 10
    assert b"inst2.sim.test" in page.content
    assert b"checked" not in page.content
    assert client.get(URL + "?select=all").content.count(b" checked") == 10


def test_it_imports_with_the_chosen_owner_and_writes_the_tag(client, cluster, admin_of, simulator):
    team = Group.objects.create(name="team")
    admin = admin_of(cluster)
    client.force_login(admin)
    simulator.reset_records()
    recorded = PendingImport.objects.get(name="inst2.sim.test").raw
    response = client.post(
        URL, {"name": ["inst2.sim.test", "inst3.sim.test"], "owner": "group:team"}
    )
    assert response.status_code == 200
    assert [(o.vm.name, o.error) for o in response.context["outcomes"]] == [
        ("inst2.sim.test", ""),
        ("inst3.sim.test", ""),
    ]
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    # Ganeti's record as the sync saw it (the simulator may have run the tag job since).
    assert vm.owner == team and vm.raw == recorded
    assert vm.memory == recorded["beparams"]["maxmem"] and vm.sync_key
    assert vm.primary_node is None  # its node is not imported (yet)
    assert not PendingImport.objects.filter(name__in=["inst2.sim.test", "inst3.sim.test"])
    assert PendingImport.objects.filter(kind="vm").count() == 8
    # One tag request per VM, recorded for gwm-worker; the audit entry names it.
    assert tag_requests(simulator) == []
    assert Job.objects.filter(action="vm.tags", status="submitting").count() == 2
    job = Job.objects.get(virtual_machine=vm)
    assert job.requested_by == admin
    entry = Entry.objects.get(action="vm.import", message__startswith="inst2.sim.test ")
    assert entry.job == job and entry.actor == admin
    assert {t.object_repr for t in entry.targets.all()} == {"inst2.sim.test", "sim"}
    assert "owner team" in entry.message


@pytest.mark.django_db(transaction=True)  # the worker's threads use their own connections
def test_the_owner_tag_reaches_ganeti(client, cluster, admin_of, simulator, run_worker):
    bob = User.objects.create_user("bobby")
    client.force_login(admin_of(cluster))
    client.post(URL, {"name": ["inst4.sim.test"], "owner": "user:bobby"})
    run_worker()
    assert "gwm:owner:user:bobby" in simulator.cluster.instances["inst4.sim.test"]["tags"]
    vm = VirtualMachine.objects.get(name="inst4.sim.test")
    assert vm.owner == bob and Job.objects.get(virtual_machine=vm).status == "success"


def test_nobody_as_owner_writes_nothing_in_ganeti(client, cluster, admin_of, simulator):
    client.force_login(admin_of(cluster))
    simulator.reset_records()
    response = client.post(URL, {"name": ["inst5.sim.test"], "owner": "nobody"})
    assert [o.job for o in response.context["outcomes"]] == [None]
    assert VirtualMachine.objects.get(name="inst5.sim.test").owner is None
    assert tag_requests(simulator) == []
    assert Entry.objects.filter(action="vm.import").count() == 1


def test_tag_as_owner_keeps_what_the_tag_says_without_writing(
    client, simulator, make_cluster, admin_of
):
    from ganeti_webmgr.inventory import sync

    carol = User.objects.create_user("carol")
    with simulator.cluster.lock:
        simulator.cluster.instances["inst6.sim.test"]["tags"].append("gwm:owner:user:carol")
    cluster = make_cluster(simulator, auto_import=False)
    sync.sync_cluster(cluster)
    client.force_login(admin_of(cluster))
    assert b"user:carol" in client.get(URL).content  # the list shows the tag's owner
    simulator.reset_records()
    client.post(URL, {"name": ["inst6.sim.test", "inst7.sim.test"], "owner": "tag"})
    assert VirtualMachine.objects.get(name="inst6.sim.test").owner == carol
    assert VirtualMachine.objects.get(name="inst7.sim.test").owner is None
    assert tag_requests(simulator) == []


def test_on_a_read_only_cluster_the_owner_stays_in_gwm(client, simulator, make_cluster, admin_of):
    from ganeti_webmgr.inventory import sync

    cluster = make_cluster(simulator, slug="ro", read_only=True, auto_import=False)
    sync.sync_cluster(cluster)
    team = Group.objects.create(name="team")
    client.force_login(admin_of(cluster))
    simulator.reset_records()
    response = client.post(
        "/clusters/ro/import/vms/new", {"name": ["inst1.sim.test"], "owner": "group:team"}
    )
    assert response.status_code == 200
    assert [(o.job, o.error) for o in response.context["outcomes"]] == [(None, "")]
    assert VirtualMachine.objects.get(cluster=cluster, name="inst1.sim.test").owner == team
    assert [r for r in simulator.requests if r.method != "GET"] == []
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_cluster_still_imports_and_the_tag_request_ends_not_started(
    client, cluster, admin_of, simulator, run_worker
):
    """The import is GWM's; the tag is asked of Ganeti later, and its refusal is shown."""
    client.force_login(admin_of(cluster))
    simulator.inject("status", path="/2/instances/inst8.sim.test/tags", status=502, message="x")
    response = client.post(URL, {"name": ["inst8.sim.test"], "owner": "user:cadmin"})
    (outcome,) = response.context["outcomes"]
    assert outcome.error == "" and outcome.job.status == "submitting"
    assert VirtualMachine.objects.get(name="inst8.sim.test").owner.username == "cadmin"
    run_worker()
    job = Job.objects.get(pk=outcome.job.pk)
    assert job.status == "not_started" and "Ganeti refused" in job.error_message


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"owner": "nobody"}, "Select at least one"),
        ({"name": ["inst1.sim.test"]}, "Owner: write user:NAME"),
        ({"name": ["inst1.sim.test"], "owner": "user:ghost"}, "no such user or group"),
        ({"name": ["inst1.sim.test"], "owner": "nobody please"}, "no such user or group"),
        ({"name": ["inst1.sim.test", "nosuch.sim.test"], "owner": "nobody"}, "nosuch.sim.test"),
    ],
)
def test_bad_input_imports_nothing_and_keeps_what_was_typed(client, cluster, admin_of, data, error):
    client.force_login(admin_of(cluster))
    response = client.post(URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not VirtualMachine.objects.exists()
    assert PendingImport.objects.filter(kind="vm").count() == 10
    if data.get("name"):
        assert 'value="inst1.sim.test" aria-label="select inst1.sim.test" checked' in (
            response.content.decode()
        )
    if data.get("owner"):
        assert f'value="{data["owner"]}"' in response.content.decode()


def test_a_name_already_imported_is_refused(client, cluster, admin_of):
    client.force_login(admin_of(cluster))
    client.post(URL, {"name": ["inst1.sim.test"], "owner": "nobody"})
    response = client.post(URL, {"name": ["inst1.sim.test"], "owner": "nobody"})
    assert "Not waiting for import" in response.content.decode()
    assert VirtualMachine.objects.filter(name="inst1.sim.test").count() == 1
    assert Entry.objects.filter(action="vm.import").count() == 1


def test_an_owner_name_ganeti_cannot_tag_is_refused_first(client, cluster, admin_of):
    Group.objects.create(name="two words")
    client.force_login(admin_of(cluster))
    response = client.post(URL, {"name": ["inst1.sim.test"], "owner": "group:two words"})
    assert "cannot be a Ganeti tag" in response.content.decode()
    assert not VirtualMachine.objects.exists()


def test_other_people_may_not(client, cluster, admin_of, simulator, make_cluster):
    from ganeti_webmgr.inventory import sync
    from ganeti_webmgr.permissions.grants import set_permissions

    other = make_cluster(simulator, slug="other")
    sync.sync_cluster(other)
    outsider = User.objects.create_user("outsider")
    holder = User.objects.create_user("holder")
    set_permissions(
        VirtualMachine.objects.get(cluster=other, name="inst1.sim.test"), holder, ["admin"]
    )
    other_admin = admin_of(other, "otheradmin")
    data = {"name": ["inst1.sim.test"], "owner": "nobody"}
    for user, status in ((outsider, 404), (other_admin, 404)):
        client.force_login(user)
        assert client.get(URL).status_code == status
        assert client.post(URL, data).status_code == status
    # Sees the cluster (through a VM it administers), administers not the cluster: 403.
    client.force_login(holder)
    assert client.get("/clusters/other/import/vms/new").status_code == 403
    assert client.post("/clusters/other/import/vms/new", data).status_code == 403
    assert not VirtualMachine.objects.filter(cluster=cluster).exists()
    client.logout()
    assert client.post(URL, data).status_code == 302  # to the login page
    assert not VirtualMachine.objects.filter(cluster=cluster).exists()


def test_it_rejects_other_methods(client, cluster, admin_of):
    client.force_login(admin_of(cluster))
    assert client.put(URL).status_code == 405
