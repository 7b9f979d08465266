"""/log/cluster/<slug>/: whoever may view the cluster; entries on other VMs stay hidden."""

import pytest

from ganeti_webmgr import audit
from ganeti_webmgr.audit.tests.conftest import shown
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db

URL = "/log/cluster/c1/"


@pytest.fixture
def entries(alice, cluster, vm, vm2):
    other = Cluster.objects.create(slug="c2", hostname="c2.example.org")
    audit.record("cluster.edit", actor=alice, targets=[cluster], message="cluster edited")
    audit.record("vm.start", actor=alice, targets=[vm, cluster], message="vm1 started")
    audit.record("vm.start", actor=alice, targets=[vm2, cluster], message="vm2 started")
    audit.record("cluster.edit", actor=alice, targets=[other], message="other cluster")


def test_it_redirects_anonymous_visitors(client, cluster):
    assert client.get(URL).status_code == 302


def test_it_hides_the_cluster_from_outsiders(login, charlie, cluster):
    assert login(charlie).get(URL).status_code == 404


def test_it_rejects_post(login, alice, cluster):
    assert login(alice).post(URL).status_code == 405


def test_it_is_404_for_an_unknown_cluster(login, alice):
    assert login(alice).get("/log/cluster/nope/").status_code == 404


def test_superusers_see_the_clusters_entries(login, alice, entries):
    response = login(alice).get(URL)
    assert response.status_code == 200
    assert shown(response) == ["vm2 started", "vm1 started", "cluster edited"]


def test_cluster_admins_see_the_clusters_entries(login, bob, cluster, entries):
    set_permissions(cluster, bob, ["admin"])
    assert shown(login(bob).get(URL)) == ["vm2 started", "vm1 started", "cluster edited"]


def test_a_vm_user_sees_the_cluster_but_not_entries_on_vms_hidden_from_them(
    login, bob, vm, entries
):
    set_permissions(vm, bob, ["power"])
    assert shown(login(bob).get(URL)) == ["vm1 started", "cluster edited"]


def test_its_query_count_does_not_grow_with_the_entries(
    login, bob, alice, cluster, vm, django_assert_max_num_queries
):
    set_permissions(vm, bob, ["power"])
    client = login(bob)
    audit.record("vm.start", actor=alice, targets=[vm, cluster])
    with django_assert_max_num_queries(13) as few:
        client.get(URL)
    for _ in range(30):
        audit.record("vm.start", actor=alice, targets=[vm, cluster])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).context["page"].entries) == 31
