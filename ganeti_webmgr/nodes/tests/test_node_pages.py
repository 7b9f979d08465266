"""Node list, node page, role change, migrate, evacuate."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.core.sorting import natural_key
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
NODE = "/clusters/sim/nodes/node1.sim.test/"  # the master
NODE2 = "/clusters/sim/nodes/node2.sim.test/"


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return cluster


def user_with(cluster, codes):
    user = User.objects.create_user("-".join(codes) or "plain")
    set_permissions(cluster, user, codes)
    return user


def offered(page) -> set[str]:
    header = page.context["header_actions"]
    return {link.action.name for link in header.buttons + header.more}


def migratable(node_name="node1.sim.test"):
    """A running DRBD VM on the node, as GWM last synced it."""
    vm = VirtualMachine.objects.filter(primary_node__name=node_name).first()
    VirtualMachine.objects.filter(pk=vm.pk).update(disk_template="drbd", oper_state=True)
    return vm


def test_cluster_admins_see_nodes_and_their_vms(client, cluster):
    client.force_login(user_with(cluster, ["admin"]))
    assert len(client.get("/clusters/sim/nodes/").context["page"].object_list) == 3
    page = client.get(NODE + "?tab=vms")
    assert page.status_code == 200
    shown = [(vm.name, vm.role_here) for vm in page.context["vms"]]
    primaries = VirtualMachine.objects.filter(primary_node__name="node1.sim.test")
    secondaries = VirtualMachine.objects.filter(secondary_node__name="node1.sim.test")
    # Primaries first, each part in natural order (inst2 before inst10).
    assert shown == [
        *(
            (name, "primary")
            for name in sorted(primaries.values_list("name", flat=True), key=natural_key)
        ),
        *(
            (name, "secondary")
            for name in sorted(secondaries.values_list("name", flat=True), key=natural_key)
        ),
    ]
    assert shown  # the simulator puts VMs on node1
    content = page.content.decode()
    for name, _role in shown:
        assert f'<a href="/clusters/sim/vms/{name}/">{name}</a></td>' in content
    # node1 is the master (its role changes only by master-failover); none of its VMs
    # can be migrated yet.
    VirtualMachine.objects.filter(primary_node__name="node1.sim.test").update(oper_state=False)
    page = client.get(NODE)
    assert offered(page) == {"node.evacuate", "node.tags"}
    migratable()
    assert offered(client.get(NODE2)) >= {"node.role", "node.evacuate"}
    assert "node.migrate" in offered(client.get(NODE))


def test_a_vm_user_sees_no_nodes(client, cluster):
    user = User.objects.create_user("vmuser")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), user, ["power"])
    client.force_login(user)
    assert client.get("/clusters/sim/nodes/").status_code == 403
    assert client.get(NODE).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_migrator_may_migrate_but_not_change_roles(client, cluster, simulator, run_worker):
    migratable()
    client.force_login(user_with(cluster, ["migrate"]))
    assert client.post(NODE2 + "role", {"role": "drained"}).status_code == 403
    response = client.post(NODE + "migrate", {"mode": "live"}, follow=True)
    assert b"Requested: migrate the primary VMs of node1.sim.test (live)" in response.content
    job = Job.objects.get()
    assert job.node.name == "node1.sim.test" and job.target_kind == "node"
    assert Entry.objects.filter(action="node.migrate").exists()
    run_worker()
    assert any(r.path.endswith("/node1.sim.test/migrate") for r in simulator.requests)


@pytest.mark.django_db(transaction=True)
def test_draining_is_confirmed_and_sent_with_force(client, cluster, simulator, run_worker):
    client.force_login(user_with(cluster, ["admin"]))
    asked = client.post(NODE2 + "role", {"role": "drained", "force": "on"})
    assert b"Ganeti places no new VMs on node2.sim.test" in asked.content
    assert not Job.objects.exists()
    client.post(NODE2 + "role", {"role": "drained", "force": "on", "confirmed": "yes"})
    run_worker()
    request = next(r for r in simulator.requests if r.path.endswith("/role"))
    assert request.method == "PUT" and request.query.get("force") == ["1"]
    assert Entry.objects.get(action="node.modify").message == (
        "set the role of node2.sim.test to drained"
    )


def test_the_master_role_cannot_be_changed_here(client, cluster):
    client.force_login(user_with(cluster, ["admin"]))
    response = client.post(NODE + "role", {"role": "drained", "confirmed": "yes"})
    assert response.status_code == 409
    assert b"it is the master node" in response.content
    assert not Job.objects.exists()


def test_bad_input_is_named_and_starts_nothing(client, cluster):
    client.force_login(user_with(cluster, ["admin"]))
    response = client.post(NODE2 + "role", {"role": "master"})
    assert response.status_code == 400
    assert b"Select a valid choice. master is not one of the available choices." in (
        response.content
    )
    response = client.post(NODE + "evacuate", {"mode": "everything"})
    assert b"Select a valid choice. everything is not one of the available choices." in (
        response.content
    )
    assert not Job.objects.exists()


def test_evacuation_says_which_vms_move_before_it_is_asked(client, cluster):
    client.force_login(user_with(cluster, ["admin"]))
    asked = client.post(NODE + "evacuate", {"mode": "primary-only"})
    assert asked.status_code == 200
    names = VirtualMachine.objects.filter(primary_node__name="node1.sim.test").values_list(
        "name", flat=True
    )
    for name in names:
        assert name.encode() in asked.content
    assert f"of node1.sim.test to other nodes ({len(names)}:".encode() in asked.content
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_ganetis_refusal_ends_the_request_not_started(client, cluster, simulator, run_worker):
    simulator.inject("status", path="/evacuate", status=400, message="Can't find any good node")
    client.force_login(user_with(cluster, ["admin"]))
    client.post(NODE + "evacuate", {"mode": "all", "confirmed": "yes"})
    run_worker()
    job = Job.objects.get()
    assert job.status == "not_started"
    page = client.get(NODE + "?tab=jobs")
    assert b"not started" in page.content
    detail = client.get(job.get_absolute_url())
    assert b"Ganeti refused: Can&#x27;t find any good node" in detail.content
