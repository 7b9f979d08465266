"""/log/node/<cluster>/<name>/: whoever may view the node (cluster admins, migrators)."""

import pytest

from ganeti_webmgr import audit
from ganeti_webmgr.audit.tests.conftest import shown
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db

URL = "/log/node/c1/node1.example.org/"


@pytest.fixture
def entries(alice, cluster, node):
    audit.record("node.modify", actor=alice, targets=[node, cluster], message="drained")
    audit.record("cluster.edit", actor=alice, targets=[cluster], message="cluster edited")


def test_it_redirects_anonymous_visitors(client, node):
    assert client.get(URL).status_code == 302


def test_it_hides_the_node_from_outsiders(login, charlie, node):
    assert login(charlie).get(URL).status_code == 404


def test_a_vm_user_does_not_see_the_nodes(login, bob, vm, node):
    set_permissions(vm, bob, ["admin"])
    assert login(bob).get(URL).status_code == 404


def test_it_rejects_post(login, alice, node):
    assert login(alice).post(URL).status_code == 405


def test_cluster_admins_see_the_nodes_entries(login, bob, cluster, entries):
    set_permissions(cluster, bob, ["admin"])
    response = login(bob).get(URL)
    assert response.status_code == 200
    assert shown(response) == ["drained"]


def test_its_query_count_does_not_grow_with_the_entries(
    login, bob, alice, cluster, node, django_assert_max_num_queries
):
    set_permissions(cluster, bob, ["admin"])
    client = login(bob)
    audit.record("node.modify", actor=alice, targets=[node, cluster])
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    for _ in range(30):
        audit.record("node.modify", actor=alice, targets=[node, cluster])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).context["page"].entries) == 31
