"""The VM list stays fast at 10,000 VMs (bench/vm_list.py): narrow rows, an order
the indexes serve, and a query count that does not grow with what a page shows."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def vms():
    cluster = Cluster.objects.create(slug="c", hostname="127.0.0.1", port=1)
    node = Node.objects.create(cluster=cluster, name="n1", raw={"big": "x" * 1000})
    owner, team = User.objects.create_user("owner"), Group.objects.create(name="team")
    for n, status in enumerate(["running", "ADMIN_down", "running", "ADMIN_down", "running"]):
        VirtualMachine.objects.create(
            cluster=cluster,
            name=f"vm{n}",
            status=status,
            primary_node=node,
            owner_user=owner if n % 2 else None,
            owner_group=None if n % 2 else team,
            raw={"big": "x" * 1000},
        )


def test_the_page_reads_only_what_it_shows(admin_client, vms):
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/vms/")
    quoted = connection.ops.quote_name
    # The page's rows: the one query reading the owners' names.
    (rows,) = [q["sql"] for q in queries if quoted("username") in q["sql"] and "IN (" in q["sql"]]
    for wide in ("raw", "sync_key", "nic_macs", "info", "notes"):
        assert quoted(wide) not in rows, wide
    assert b"<td>owner</td>" in page.content and b"<td>team</td>" in page.content


def test_owners_and_nodes_cost_no_query_per_row(admin_client, vms, django_assert_num_queries):
    admin_client.get("/vms/")  # the session and the user, as every page
    # session, user, the user's columns, the clusters to filter by, count, the page's
    # ids, its rows, the clusters whose nodes link
    with django_assert_num_queries(8):
        admin_client.get("/vms/")


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("state", ["vm1", "vm3", "vm0", "vm2", "vm4"]),
        ("-state", ["vm4", "vm2", "vm0", "vm3", "vm1"]),
        ("-name", ["vm4", "vm3", "vm2", "vm1", "vm0"]),
    ],
)
def test_ties_are_sorted_by_name_in_the_sorts_direction(admin_client, vms, sort, names):
    page = admin_client.get("/vms/", {"sort": sort})
    assert [vm.name for vm in page.context["page"].object_list] == names


@pytest.mark.parametrize(
    "sort", ["node", "-node", "secondary", "-secondary", "cluster", "-cluster"]
)
def test_pages_by_node_or_cluster_are_the_databases_order(admin_client, sort):
    """Read a node (cluster) at a time (core.grouped_pages), the pages are those of one
    ORDER BY on the node's key: equal keys (node02, node2) together, VMs without a
    node where the database puts NULLs, ties by name, either direction."""
    from ganeti_webmgr.virtual_machines.filters import VM_LIST

    clusters = [Cluster.objects.create(slug=s, hostname="h", port=1) for s in ("b-2", "a", "B1")]
    nodes = [
        Node.objects.create(cluster=c, name=name)
        for c, name in zip(clusters, ("node2", "node02", "node10"), strict=True)
    ]
    for n in range(60):
        VirtualMachine.objects.create(
            cluster=clusters[n % 3],
            name=f"vm{n % 23}",  # the same names in several clusters: ties
            primary_node=None if n % 5 == 0 else nodes[n % 3],
            secondary_node=None if n % 2 else nodes[(n + 1) % 3],
        )
    column = VM_LIST.sorts[sort.removeprefix("-")]
    order = [column, *VM_LIST.ties]
    expected = list(
        VirtualMachine.objects.order_by(
            *(f"-{o}" if sort[0] == "-" else o for o in order)
        ).values_list("pk", flat=True)
    )
    shown = []
    for page in (1, 2, 3):
        response = admin_client.get("/vms/", {"sort": sort, "per_page": 25, "page": page})
        assert response.context["page"].paginator.count == 60
        shown += [row.pk for row in response.context["page"].object_list]
    assert shown == expected
