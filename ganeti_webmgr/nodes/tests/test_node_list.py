"""The node list: natural order, search, filters and chips, columns, export."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(db):
    cluster = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    default = NodeGroup.objects.create(cluster=cluster, name="default")
    edge = NodeGroup.objects.create(cluster=cluster, name="edge")
    for n, group, role in ((10, default, "regular"), (2, edge, "master"), (1, default, "drained")):
        Node.objects.create(
            cluster=cluster,
            name=f"node{n}.example.com",
            group=group,
            role=role,
            drained=role == "drained",
            primary_ip=f"192.0.2.{n}",
        )
    Node.objects.create(cluster=Cluster.objects.create(slug="b", hostname="h"), name="node3.b")
    return cluster


def names(response):
    return [node.name for node in response.context["page"].object_list]


def test_nodes_are_listed_in_natural_order(admin_client, cluster):
    response = admin_client.get("/clusters/a/nodes/")
    assert names(response) == ["node1.example.com", "node2.example.com", "node10.example.com"]
    assert names(admin_client.get("/clusters/a/nodes/", {"sort": "-name"}))[0] == (
        "node10.example.com"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "192.0.2.1"}, ["node1.example.com", "node10.example.com"]),
        ({"q": "edge"}, ["node2.example.com"]),
        ({"role": "master"}, ["node2.example.com"]),
        ({"role": "drained"}, ["node1.example.com"]),
        ({"group": "default"}, ["node1.example.com", "node10.example.com"]),
        ({"group": "default", "q": "node1."}, ["node1.example.com"]),
    ],
)
def test_search_and_filters(admin_client, cluster, query, expected):
    response = admin_client.get("/clusters/a/nodes/", query)
    assert names(response) == expected
    assert {chip.label for chip in response.context["query"].chips} == {
        {"q": "Search", "role": "Role", "group": "Group"}[key] for key in query
    }


def test_a_group_of_another_cluster_is_an_error(admin_client, cluster):
    response = admin_client.get("/clusters/a/nodes/", {"group": "nosuch"})
    assert response.context["query"].errors == ["Group: no 'nosuch' here; choose one of the list."]


def test_the_export_holds_the_filtered_nodes(admin_client, cluster):
    response = admin_client.get("/clusters/a/nodes/export", {"group": "default"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["name"] for row in rows] == ["node1.example.com", "node10.example.com"]
    assert rows[0]["drained"] == "True" and rows[0]["group"] == "default"


def test_only_who_sees_the_nodes_exports_them(client, cluster):
    holder = User.objects.create_user("holder")
    set_permissions(cluster, holder, ["migrate"])
    client.force_login(holder)
    assert client.get("/clusters/a/nodes/export").status_code == 200
    assert client.get("/clusters/b/nodes/export").status_code == 404


def test_columns_and_page_size(admin_client, cluster):
    response = admin_client.get("/clusters/a/nodes/", {"cols": "name,ip", "per_page": "25"})
    assert [c.key for c in response.context["query"].shown] == ["name", "ip"]
    assert "<td>192.0.2.10</td>" in response.content.decode()
