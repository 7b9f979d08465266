"""The nav bar's search: what it finds, in which order, and what it leaves out."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@pytest.fixture
def cluster(synced_cluster):
    return synced_cluster


def hits(client, text: str, kind: str) -> list[str]:
    """The labels of one kind's results, in page order."""
    page = client.get(reverse("search"), {"q": text})
    assert page.status_code == 200
    html = page.content.decode()
    section = re.search(rf'<section aria-labelledby="found-{kind}".*?</section>', html, re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section.group(0)) if section else []


def test_names_beginning_with_the_text_come_first_in_natural_order(client, alice, cluster):
    client.force_login(alice)
    assert hits(client, "inst1", "vms") == ["inst1.sim.test", "inst10.sim.test"]
    assert hits(client, "sim.test", "vms")[:3] == [
        "inst1.sim.test",
        "inst2.sim.test",
        "inst3.sim.test",
    ]
    assert hits(client, "node2", "nodes") == ["node2.sim.test"]
    assert hits(client, "si", "clusters") == ["sim"]


def test_a_vm_is_found_by_its_mac_in_any_case(client, alice, cluster):
    client.force_login(alice)
    vm = VirtualMachine.objects.get(name="inst3.sim.test")
    mac = vm.nic_macs[0]
    assert hits(client, mac.upper(), "vms") == ["inst3.sim.test"]
    page = client.get(reverse("search"), {"q": mac}).content.decode()
    assert mac in page  # the address that matched is shown beside the name


def test_a_vm_is_found_by_its_ip(client, alice, cluster):
    vm = VirtualMachine.objects.get(name="inst4.sim.test")
    vm.nic_ips = ["192.0.2.44"]
    vm.save()
    client.force_login(alice)
    assert hits(client, "192.0.2.44", "vms") == ["inst4.sim.test"]


def test_a_user_finds_only_the_vms_granted_and_no_nodes(client, bob, cluster):
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), bob, ["power"])
    client.force_login(bob)
    assert hits(client, "inst", "vms") == ["inst2.sim.test"]
    assert hits(client, "node", "nodes") == []
    assert hits(client, "sim", "clusters") == ["sim"]
    assert hits(client, "alice", "users") == []


def test_an_outsider_finds_nothing_and_is_told_so(client, charlie, cluster):
    client.force_login(charlie)
    page = client.get(reverse("search"), {"q": "inst"}).content.decode()
    assert "Nothing you may see matches" in page
    assert "inst1" not in page


def test_users_are_found_by_name_or_address_by_those_who_manage_users(client, alice, bob):
    bob.first_name, bob.last_name = "Robert", "Builder"
    bob.save()
    client.force_login(alice)
    assert hits(client, "bob", "users") == ["bob"]
    assert hits(client, "builder", "users") == ["bob"]
    assert hits(client, "bob@example", "users") == ["bob"]


def test_groups_are_found_where_the_user_is_a_member(client, bob, charlie):
    ops = Group.objects.create(name="ops")
    bob.groups.add(ops)
    client.force_login(bob)
    assert hits(client, "op", "groups") == ["ops"]
    client.force_login(charlie)
    assert hits(client, "op", "groups") == []


def test_jobs_are_found_by_ganeti_job_id_and_by_target(client, alice, cluster):
    vm = VirtualMachine.objects.get(name="inst5.sim.test")
    Job.objects.create(cluster=cluster, job_id=4242, virtual_machine=vm, target_kind="vm",
                       target_name=vm.name, operations=["INSTANCE_STARTUP"])  # fmt: skip
    client.force_login(alice)
    assert hits(client, "4242", "jobs") == ["4242 · INSTANCE_STARTUP"]
    assert hits(client, "inst5", "jobs") == ["4242 · INSTANCE_STARTUP"]
    assert hits(client, "4243", "jobs") == []


def test_many_matches_are_capped_with_a_link_to_the_whole_list(client, alice, cluster):
    client.force_login(alice)
    assert (
        "all matching virtual machines"
        not in client.get(reverse("search"), {"q": "inst1"}).content.decode()
    )
    for n in range(20, 25):
        VirtualMachine.objects.create(cluster=cluster, name=f"inst{n}.extra")
    page = client.get(reverse("search"), {"q": "inst"}).content.decode()
    assert len(hits(client, "inst", "vms")) == 10
    assert f'<a href="{reverse("vm-list")}?q=inst">all matching virtual machines</a>' in page


@pytest.mark.parametrize(
    "text", ["%", "_", "inst%1", "\x00inst", "a" * 5000, "   ", "'; DROP TABLE x; --", "\u202e"]
)
def test_odd_input_is_answered_never_a_server_error(client, alice, cluster, text):
    client.force_login(alice)
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    if text in ("%", "_"):  # not wildcards: no VM name has them
        assert hits(client, text, "vms") == []


def test_every_page_has_the_search_box(client, bob):
    client.force_login(bob)
    page = client.get(reverse("home")).content.decode()
    assert 'role="search"' in page and 'id="site-search"' in page
    assert 'aria-keyshortcuts="/"' in page
