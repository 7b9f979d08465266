"""The column chooser and page size of the VM list, remembered per user
(POST /accounts/lists/<name>)."""

import pytest

from ganeti_webmgr.accounts.models import ListPreference
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def vms(db):
    cluster = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    return [
        VirtualMachine.objects.create(cluster=cluster, name=f"vm{n}", os="noop") for n in range(30)
    ]


def shown(response):
    return [c.key for c in response.context["query"].shown]


def test_the_choice_is_remembered_for_the_user(client, vms, bob, alice):
    for vm in vms:
        set_permissions(vm, bob, ["power"])
    client.force_login(bob)
    response = client.post(
        "/accounts/lists/vms",
        {"col": ["state", "os"], "per_page": "25", "next": "/vms/?q=vm&cols=name&per_page=100"},
    )
    # back to the list, without the old address's columns and page size
    assert response.status_code == 302 and response.url == "/vms/?q=vm"
    page = client.get("/vms/")
    assert shown(page) == ["name", "state", "os"]
    assert page.context["page"].paginator.per_page == 25
    assert "<td>noop</td>" in page.content.decode()
    # the address shows the choice, so a shared link shows the same list
    assert page.context["query"].url() == "?per_page=25&cols=name%2Cstate%2Cos"
    # a link's own columns win over the remembered ones
    assert shown(client.get("/vms/", {"cols": "name,memory"})) == ["name", "memory"]
    # another user's list is untouched
    client.force_login(alice)
    assert shown(client.get("/vms/")) == [
        "name",
        "cluster",
        "state",
        "node",
        "memory",
        "vcpus",
        "disk",
        "owner",
    ]


def test_back_to_the_defaults(client, vms, alice):
    client.force_login(alice)
    client.post("/accounts/lists/vms", {"col": ["os"], "per_page": "100"})
    client.post("/accounts/lists/vms", {"col": ["os"], "per_page": "100", "reset": "1"})
    assert not ListPreference.objects.exists()
    assert client.get("/vms/").context["page"].paginator.per_page == 50


def test_a_bad_choice_is_refused_with_a_reason(client, vms, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/lists/vms", {"col": ["nonsense"], "per_page": "25"}, follow=True
    )
    assert "Columns: choose among name, cluster" in response.content.decode()
    response = client.post("/accounts/lists/vms", {"col": ["os"], "per_page": "33"}, follow=True)
    assert "page size: one of 25, 50, 100, 250" in response.content.decode()
    assert not ListPreference.objects.exists()
    assert client.post("/accounts/lists/nosuch", {"per_page": "25"}).status_code == 404


def test_the_return_address_stays_on_the_site(client, vms, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/lists/vms", {"per_page": "25", "next": "https://elsewhere.example/"}
    )
    assert response.url == "/"


def test_page_sizes(admin_client, vms):
    assert len(admin_client.get("/vms/", {"per_page": "25"}).context["page"].object_list) == 25
    second = admin_client.get("/vms/", {"per_page": "25", "page": "2"})
    assert [vm.name for vm in second.context["page"].object_list] == [
        f"vm{n}" for n in range(25, 30)
    ]
    assert 'href="?per_page=25&amp;page=1"' in second.content.decode()
