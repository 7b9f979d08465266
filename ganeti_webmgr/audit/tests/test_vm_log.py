"""/log/vm/<cluster>/<name>/: whoever may view the VM."""

import pytest

from ganeti_webmgr import audit
from ganeti_webmgr.audit.tests.conftest import shown
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db

URL = "/log/vm/c1/vm1.example.org/"


@pytest.fixture
def entries(alice, cluster, vm, vm2):
    audit.record("vm.start", actor=alice, targets=[vm, cluster], message="vm1 started")
    audit.record("vm.start", actor=alice, targets=[vm2, cluster], message="vm2 started")
    audit.record("cluster.edit", actor=alice, targets=[cluster], message="cluster edited")


def test_it_redirects_anonymous_visitors(client, vm):
    assert client.get(URL).status_code == 302


def test_it_hides_the_vm_from_outsiders(login, charlie, vm):
    assert login(charlie).get(URL).status_code == 404


def test_a_grant_on_another_vm_does_not_show_this_one(login, bob, vm, vm2):
    set_permissions(vm2, bob, ["admin"])
    assert login(bob).get(URL).status_code == 404


def test_it_rejects_post(login, alice, vm):
    assert login(alice).post(URL).status_code == 405


def test_it_is_404_for_a_vm_of_another_cluster(login, alice, vm):
    assert login(alice).get("/log/vm/c2/vm1.example.org/").status_code == 404


def test_a_power_user_sees_the_vms_entries_only(login, bob, vm, entries):
    set_permissions(vm, bob, ["power"])
    response = login(bob).get(URL)
    assert response.status_code == 200
    assert shown(response) == ["vm1 started"]
    assert b"Virtual machine vm1.example.org: log" in response.content


def test_its_query_count_does_not_grow_with_the_entries(
    login, bob, alice, cluster, vm, django_assert_max_num_queries
):
    set_permissions(vm, bob, ["power"])
    client = login(bob)
    audit.record("vm.start", actor=alice, targets=[vm, cluster])
    with django_assert_max_num_queries(11) as few:
        client.get(URL)
    for _ in range(30):
        audit.record("vm.start", actor=alice, targets=[vm, cluster])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).context["page"].entries) == 31
