"""The overview (/import/) and each cluster's import page: counts, and who sees them."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.inventory import sync
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cluster, simulator, make_cluster):
    """sim: auto_import off, 10 VMs and 3 nodes pending; other: all imported, one VM gone,
    one VM owned."""
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    with RapiSimulator(SimCluster.generate(nodes=2, instances=4, domain="o.test")) as sim:
        other = make_cluster(sim, slug="other")
        sync.sync_cluster(other)
        with sim.cluster.lock:
            sim.cluster.instances.pop("inst1.o.test")
        sync.sync_cluster(other)
    VirtualMachine.objects.filter(name="inst2.o.test").update(
        owner_user=User.objects.create_user("dave")
    )
    return cluster, other


def test_it_counts_each_category_per_cluster(client, world, alice):
    client.force_login(alice)
    page = client.get("/import/")
    assert page.status_code == 200
    counts = {cluster.slug: c for cluster, c in page.context["rows"]}
    assert (counts["sim"].new_vms, counts["sim"].new_nodes, counts["sim"].orphans) == (10, 3, 0)
    other = counts["other"]
    assert (other.new_vms, other.gone_vms, other.orphans, other.gone_nodes) == (0, 1, 2, 0)
    assert b'href="/clusters/sim/import/vms/new"' in page.content
    assert b'href="/import/"' in page.content  # the superuser's nav


def test_a_cluster_admin_sees_their_clusters_only(client, world, admin_of):
    _, other = world
    client.force_login(admin_of(other))
    page = client.get("/import/")
    assert [c.slug for c, _ in page.context["rows"]] == ["other"]
    assert b"/clusters/sim/" not in page.content
    assert b'href="/import/"' not in page.content  # the top bar's link: superusers only


def test_users_who_administer_no_cluster_are_refused(client, world, charlie):
    client.force_login(charlie)
    assert client.get("/import/").status_code == 403


def test_a_clusters_page_counts_and_explains(client, world, admin_of):
    sim, _ = world
    client.force_login(admin_of(sim))
    page = client.get("/clusters/sim/import/")
    assert page.status_code == 200
    assert page.context["counts"].new_vms == 10
    assert b"Automatic import is off" in page.content
    assert b"/clusters/sim/import/nodes/new" in page.content
    assert client.get("/clusters/other/import/").status_code == 404


def test_the_cluster_page_links_the_tools_for_admins_only(client, world, admin_of, charlie):
    sim, _ = world
    user = User.objects.create_user("holder")
    from ganeti_webmgr.permissions.grants import set_permissions

    sync.sync_cluster(sim)
    sim.auto_import = True
    sim.save()
    sync.sync_cluster(sim)
    set_permissions(VirtualMachine.objects.get(cluster=sim, name="inst1.sim.test"), user, ["power"])
    client.force_login(user)
    assert b"/clusters/sim/import/" not in client.get("/clusters/sim/").content
    client.force_login(admin_of(sim))
    assert b'href="/clusters/sim/import/"' in client.get("/clusters/sim/").content


def test_the_overview_shows_only_get(client, world, alice):
    client.force_login(alice)
    assert client.post("/import/").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/clusters/sim/import/vms/new",
        "/clusters/sim/import/vms/gone",
        "/clusters/sim/import/vms/orphans",
        "/clusters/sim/import/nodes/new",
        "/clusters/sim/import/nodes/gone",
        "/import/",
    ],
)
def test_lists_cost_the_same_queries_however_long(client, simulator, make_cluster, alice, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ganeti_webmgr.imports.models import PendingImport
    from ganeti_webmgr.nodes.models import Node

    client.force_login(alice)
    cluster = make_cluster(simulator, auto_import=False)
    sync.sync_cluster(cluster)
    costs = []
    for extra in (1, 3):  # 1, then 4 of each
        # More of everything: pending rows, gone VMs and nodes, orphans, clusters.
        for n in range(len(costs) * 10, len(costs) * 10 + extra):
            PendingImport.objects.create(
                cluster=cluster,
                kind="vm",
                name=f"p{n}",
                first_seen=cluster.created_at,
                synced_at=cluster.created_at,
            )
            PendingImport.objects.create(
                cluster=cluster,
                kind="node",
                name=f"pn{n}",
                first_seen=cluster.created_at,
                synced_at=cluster.created_at,
            )
            node = Node.objects.create(cluster=cluster, name=f"n{n}", missing=True)
            VirtualMachine.objects.create(
                cluster=cluster, name=f"g{n}", missing=True, primary_node=node
            )
            VirtualMachine.objects.create(cluster=cluster, name=f"o{n}", primary_node=node)
            make_cluster(simulator, slug=f"c{n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        costs.append(len(queries))
    assert costs[0] == costs[1]
