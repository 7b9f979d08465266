"""Quotas on the pages: the cluster's Quotas tab, the dashboard, the profile, the
group page, the wizard, and going beyond a quota through a confirmation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.quotas.models import Quota
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine

QUOTAS = reverse("cluster-quotas", args=["sim"])


@pytest.fixture
def cluster(synced_cluster, own_vms, bob):
    """bob owns inst7 (running, 2048 MiB, 4 vCPUs) and inst5 (stopped, 512 MiB)."""
    cluster = synced_cluster
    own_vms(bob, "inst5.sim.test", "inst7.sim.test", grant=["power"])
    set_permissions(cluster, bob, ["create_vm"])
    return Cluster.objects.get(pk=cluster.pk)


def test_the_quotas_tab_shows_each_owners_usage(client, alice, bob, cluster):
    Quota.objects.create(cluster=cluster, owner_user=bob, ram=4096, vms=5)
    client.force_login(alice)
    page = client.get(QUOTAS).content.decode()
    row = page[page.index("user bob") :].split("</tr>")[0]
    assert "2 GiB of 4 GiB" in row  # memory: the running VM only
    assert "2 of 5" in row  # VMs: both
    assert "its own" in row and "over quota" not in row


def test_a_change_outside_gwm_shows_as_over_quota_and_stops_nothing(
    client, alice, bob, cluster, simulator
):
    Quota.objects.create(cluster=cluster, owner_user=bob, ram=3072)
    simulator.cluster.instances["inst7.sim.test"]["beparams"]["maxmem"] = 8192
    simulator.cluster.instances["inst7.sim.test"]["oper_ram"] = 8192
    sync.sync_cluster(cluster)
    client.force_login(alice)
    page = client.get(QUOTAS).content.decode()
    assert "1 owner over quota" in page
    row = page[page.index("user bob") :].split("</tr>")[0]
    assert "over quota" in row and "8 GiB of 3 GiB <strong>(over)</strong>" in row
    assert VirtualMachine.objects.get(name="inst7.sim.test").status == "running"
    overview = client.get(reverse("cluster-detail", args=["sim"])).content.decode()
    assert "1 owner over quota: bob" in overview
    client.force_login(bob)
    assert "over quota" in client.get(reverse("home")).content.decode()
    assert (
        "over quota: bob"
        not in client.get(reverse("cluster-detail", args=["sim"])).content.decode()
    )


def test_setting_a_quota_is_audited_and_back_to_defaults_removes_it(client, alice, bob, cluster):
    client.force_login(alice)
    answer = client.post(QUOTAS, {"owner": "user:bob", "ram": "1024", "vms": "3"})
    assert answer.status_code == 302
    quota = Quota.objects.get(cluster=cluster, owner_user=bob)
    assert (quota.ram, quota.disk, quota.vcpus, quota.vms) == (1024, None, None, 3)
    entry = Entry.objects.get(action="quota.set")
    assert entry.changes["ram"] == [None, 1024] and "memory 1024" in entry.message
    client.post(QUOTAS, {"owner": "user:bob", "use_defaults": "on"})
    assert not Quota.objects.filter(owner_user=bob).exists()
    assert Entry.objects.filter(action="quota.set").count() == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"owner": "user:nobody-here"}, "no such user or group"),
        ({"owner": "nobody"}, "not nobody"),
        ({"owner": "user:bob", "ram": "99999999999999999999"}, "less than or equal to"),
        ({"owner": "user:bob", "disk": "-1"}, "greater than or equal to 0"),
    ],
)
def test_bad_input_is_named_and_nothing_saved(client, alice, cluster, data, error):
    client.force_login(alice)
    answer = client.post(QUOTAS, data)
    assert answer.status_code == 400
    assert error in answer.content.decode()
    assert not Quota.objects.exists()


def test_only_superusers_and_cluster_admins_see_the_tab(client, bob, charlie, cluster):
    client.force_login(bob)
    assert client.get(QUOTAS).status_code == 403
    assert b"/quotas/" not in client.get(reverse("cluster-detail", args=["sim"])).content
    set_permissions(cluster, charlie, ["admin"])
    client.force_login(charlie)
    assert client.get(QUOTAS).status_code == 200


def test_the_dashboard_and_profile_show_the_users_usage(client, bob, cluster):
    Quota.objects.create(cluster=cluster, owner_user=bob, ram=4096)
    client.force_login(bob)
    for url in (reverse("home"), reverse("accounts-profile-edit")):
        page = client.get(url).content.decode()
        assert "2 GiB of 4 GiB" in page
        assert 'meter min="0" max="4096" value="2048"' in page


def test_the_group_page_shows_the_groups_usage_to_its_members(client, bob, charlie, cluster):
    team = Group.objects.create(name="team")
    bob.groups.add(team)
    VirtualMachine.objects.filter(name="inst7.sim.test").update(owner_user=None, owner_group=team)
    holdings.refresh(cluster, [bob, team])
    Quota.objects.create(cluster=cluster, owner_group=team, vms=2)
    client.force_login(bob)
    page = client.get(reverse("accounts-group-detail", args=["team"])).content.decode()
    assert "Quotas of team" in page and "1 of 2" in page


def test_the_wizard_shows_what_is_left(client, bob, cluster, wizard_data):
    Quota.objects.create(cluster=cluster, owner_user=bob, ram=3072, vms=3)
    client.force_login(bob)
    url = reverse("vm-create", args=["sim"])
    page = client.get(url).content.decode()
    assert "1 GiB left of 3 GiB in the quota" in page
    review = client.post(url, wizard_data(owner="user:bob", memory="2G", action="review"))
    assert "does not fit" in review.content.decode()
    create = client.post(url, wizard_data(owner="user:bob", memory="2G", action="create"))
    assert "Over the quota of bob on sim" in create.content.decode()
    assert not Job.objects.exists()


def test_a_cluster_admin_goes_beyond_the_quota_through_a_confirmation(
    client, bob, charlie, cluster
):
    Quota.objects.create(cluster=cluster, owner_user=bob, ram=2048)
    set_permissions(cluster, charlie, ["admin"])
    start = reverse("vm-action", args=["sim", "inst5.sim.test", "start"])
    client.force_login(bob)
    refused = client.post(start)
    assert refused.status_code == 409 and not Job.objects.exists()
    client.force_login(charlie)
    ask = client.post(start)
    assert ask.status_code == 200
    html = ask.content.decode()
    assert "beyond the quota" in html and 'name="override_quota" value="yes"' in html
    assert not Job.objects.exists()
    client.post(start, {"confirmed": "yes", "override_quota": "yes"})
    job = Job.objects.get()
    assert "overridden" in Entry.objects.get(job=job).message


def test_an_admin_gives_a_vm_beyond_the_new_owners_quota_from_the_vm_page(
    client, alice, bob, charlie, cluster
):
    Quota.objects.create(cluster=cluster, owner_user=charlie, vms=0)
    vm_page = reverse("vm-detail", args=["sim", "inst7.sim.test"])
    client.force_login(alice)
    assert 'name="override_quota"' in client.get(vm_page).content.decode()
    owner = reverse("vm-owner", args=["sim", "inst7.sim.test"])
    refused = client.post(owner, {"owner": "user:charlie"}, follow=True)
    assert "Over the quota of charlie on sim" in refused.content.decode()
    assert VirtualMachine.objects.get(name="inst7.sim.test").owner_user == bob
    client.post(owner, {"owner": "user:charlie", "override_quota": "yes"})
    assert VirtualMachine.objects.get(name="inst7.sim.test").owner_user == charlie
    client.force_login(bob)
    assert 'name="override_quota"' not in client.get(vm_page).content.decode()
