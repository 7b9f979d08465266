"""POST /vms/bulk with scope=matching: everything a list's filter matches, the filter
evaluated again at submit time under the user's own permissions."""

import pytest

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines import bulk
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db, bob):
    """Cluster a: web1..web3 (bob has power on web1 and web2), db1; cluster b: web9.
    All running; nothing listens on 127.0.0.1:1 (requests are only recorded)."""
    a = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    b = Cluster.objects.create(slug="b", hostname="127.0.0.1", port=1)
    running = {"status": "running", "oper_state": True, "admin_state": "up"}
    vms = {}
    for cluster, name in ((a, "web1"), (a, "web2"), (a, "web3"), (a, "db1"), (b, "web9")):
        vms[name] = VirtualMachine.objects.create(cluster=cluster, name=name, **running)
    set_permissions(vms["web1"], bob, ["power"])
    set_permissions(vms["web2"], bob, ["power"])
    set_permissions(vms["web3"], bob, [])
    return vms


def post(client, follow=False, **data):
    data = {"scope": "matching", "next": "/vms/", **data}
    return client.post("/vms/bulk", data, follow=follow)


def test_it_asks_to_confirm_the_count_first(client, site, bob):
    client.force_login(bob)
    response = post(client, action="reboot", filter="q=web")
    assert response.status_code == 200
    assert response.context["selection"].count == 2
    assert "Reboot: 2 virtual machines?" in response.content.decode()
    assert not Job.objects.exists()


def test_confirmed_it_acts_on_what_the_user_may_see_only(client, site, bob):
    client.force_login(bob)
    response = post(client, action="reboot", filter="q=web", confirm_count="2")
    assert response.status_code == 200
    assert sorted(o.vm.name for o in response.context["outcomes"]) == ["web1", "web2"]
    assert sorted(Job.objects.values_list("target_name", flat=True)) == ["web1", "web2"]


def test_a_crafted_filter_reaches_nothing_the_user_cannot_see(client, site, bob):
    client.force_login(bob)
    for crafted in ("cluster=b", "q=web9", "q=db", "state=running&cluster=b"):
        response = post(client, action="reboot", filter=crafted, confirm_count="1")
        assert response.status_code == 302, crafted
    assert not Job.objects.exists()
    # ids sent beside the filter are not what it acts on
    response = post(
        client,
        action="reboot",
        filter="q=web1",
        confirm_count="1",
        vm=[site["web9"].pk, site["db1"].pk],
    )
    assert [o.vm.name for o in response.context["outcomes"]] == ["web1"]
    assert list(Job.objects.values_list("target_name", flat=True)) == ["web1"]


def test_a_count_that_changed_is_confirmed_again(client, site, bob):
    client.force_login(bob)
    response = post(client, action="reboot", filter="q=web", confirm_count="5")
    assert response.status_code == 200
    assert response.context["changed"] is True
    assert "it is now 2" in response.content.decode()
    assert not Job.objects.exists()


def test_more_than_the_cap_is_refused(client, site, alice, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_SELECTION", 3)
    client.force_login(alice)
    response = post(client, action="reboot", filter="", confirm_count="5", follow=True)
    assert "5 virtual machines match; a bulk action takes at most 3." in response.content.decode()
    assert not Job.objects.exists()


def test_deleting_all_matching_needs_the_word_too(client, site, alice):
    client.force_login(alice)
    response = post(client, action="remove", filter="cluster=a&q=web", confirm_count="3")
    assert response.status_code == 200
    assert "Type <strong>delete</strong> to confirm" in response.content.decode()
    assert not Job.objects.exists()
    response = post(
        client, action="remove", filter="cluster=a&q=web", confirm_count="3", confirm="delete"
    )
    assert sorted(o.vm.name for o in response.context["outcomes"]) == ["web1", "web2", "web3"]


def test_nothing_matching_sends_back_with_a_reason(client, site, bob):
    client.force_login(bob)
    response = post(client, action="reboot", filter="q=nothing", follow=True)
    assert "No virtual machine you may see matches." in response.content.decode()
    response = post(client, action="reboot", filter="cluster=zzz", follow=True)
    assert "Cluster: no" in response.content.decode()


def test_the_list_sends_its_filter(admin_client, site):
    html = admin_client.get("/clusters/a/vms/", {"q": "web", "sort": "-name"}).content.decode()
    assert 'name="filter" value="cluster=a&amp;q=web"' in html
