"""Node list, node page, role change, migrate, evacuate."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
NODE = "/clusters/sim/nodes/node1.sim.test/"


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return cluster


def user_with(cluster, codes):
    user = User.objects.create_user("-".join(codes) or "plain")
    set_permissions(cluster, user, codes)
    return user


def test_cluster_admins_see_nodes_and_their_vms(client, cluster):
    client.force_login(user_with(cluster, ["admin"]))
    assert len(client.get("/clusters/sim/nodes/").context["nodes"]) == 3
    page = client.get(NODE)
    assert page.status_code == 200
    primaries = {vm.name for vm in page.context["primaries"]}
    assert primaries == set(
        VirtualMachine.objects.filter(primary_node__name="node1.sim.test").values_list(
            "name", flat=True
        )
    )
    assert page.context["may"] == {"role": True, "migrate": True, "evacuate": True}


def test_a_vm_user_sees_no_nodes(client, cluster):
    user = User.objects.create_user("vmuser")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), user, ["power"])
    client.force_login(user)
    assert client.get("/clusters/sim/nodes/").status_code == 403
    assert client.get(NODE).status_code == 404


def test_a_migrator_may_migrate_but_not_change_roles(client, cluster, simulator):
    client.force_login(user_with(cluster, ["migrate"]))
    assert client.post(NODE + "role", {"role": "drained"}).status_code == 403
    response = client.post(NODE + "migrate", {"mode": "live"}, follow=True)
    assert b"Started: migrate the primary VMs of node1.sim.test (live)" in response.content
    job = Job.objects.get()
    assert job.node.name == "node1.sim.test" and job.target_kind == "node"
    assert Entry.objects.filter(action="node.migrate").exists()


def test_role_change_with_force(client, cluster, simulator):
    client.force_login(user_with(cluster, ["admin"]))
    client.post(NODE + "role", {"role": "drained", "force": "on"})
    request = next(r for r in simulator.requests if r.path.endswith("/role"))
    assert request.method == "PUT" and request.query.get("force") == ["1"]
    assert Entry.objects.get(action="node.modify").message == (
        "set the role of node1.sim.test to drained"
    )


def test_bad_input_is_named_and_starts_nothing(client, cluster):
    client.force_login(user_with(cluster, ["admin"]))
    response = client.post(NODE + "role", {"role": "master"}, follow=True)
    assert b"Role: choose one of master-candidate, regular, drained, offline." in response.content
    response = client.post(NODE + "evacuate", {"mode": "everything"}, follow=True)
    assert b"Evacuate: choose one of primary-only, secondary-only, all." in response.content
    assert not Job.objects.exists()


def test_ganetis_refusal_is_shown(client, cluster, simulator):
    simulator.inject("status", path="/evacuate", status=400, message="Can't find any good node")
    client.force_login(user_with(cluster, ["admin"]))
    response = client.post(NODE + "evacuate", {"mode": "all"}, follow=True)
    assert b"Ganeti refused: Can&#x27;t find any good node" in response.content
