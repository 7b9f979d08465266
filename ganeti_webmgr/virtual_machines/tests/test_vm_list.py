"""The VM list stays fast at 10,000 VMs (bench/vm_list.py): narrow rows, an order
the indexes serve, and a query count that does not grow with what a page shows."""

import pytest
from django.contrib.auth.models import Group, User

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
    page = admin_client.get("/vms/")
    vm = page.context["page"].object_list[0]
    assert {"raw", "sync_key", "nic_macs"} <= vm.get_deferred_fields()
    assert "info" in vm.cluster.get_deferred_fields()
    assert "raw" in vm.primary_node.get_deferred_fields()
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
