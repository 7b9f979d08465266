"""What a page's header offers (web.header_actions): the actions available now to the
user, the prominent ones as buttons, the others in the More menu, destructive last."""

from __future__ import annotations

import pytest

from ganeti_webmgr.actions import service, web
from ganeti_webmgr.actions.base import asks_first
from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def vm():
    cluster = Cluster.objects.create(slug="c", hostname="127.0.0.1", port=1)
    return VirtualMachine.objects.create(
        cluster=cluster, name="vm1", status="running", oper_state=True, admin_state="up"
    )


def test_available_is_what_the_user_may_ask_for_in_this_state(vm, alice, bob):
    set_permissions(vm, bob, ["power"])
    assert [a.name for a in service.available(bob, vm)] == ["vm.shutdown", "vm.reboot"]
    VirtualMachine.objects.filter(pk=vm.pk).update(oper_state=False, status="ADMIN_down")
    vm.refresh_from_db()
    assert [a.name for a in service.available(bob, vm)] == ["vm.start"]
    assert "vm.rename" in {a.name for a in service.available(alice, vm)}  # stopped now
    Cluster.objects.filter(pk=vm.cluster_id).update(read_only=True)
    vm.refresh_from_db()
    assert service.available(alice, vm) == []


def test_the_header_splits_buttons_and_more_with_destructive_ones_last(vm, alice):
    header = web.header_actions(alice, vm)
    assert [link.action.name for link in header.buttons] == ["vm.shutdown", "vm.reboot"]
    flags = [link.action.destructive for link in header.more]
    assert flags == sorted(flags) and flags[-1]
    by_name = {link.action.name: link for link in header.buttons + header.more}
    assert by_name["vm.reboot"].url == "/clusters/c/vms/vm1/reboot"
    # The parameters have a page of their own, too large for the dialog.
    assert by_name["vm.parameters"].url == "/clusters/c/vms/vm1/parameters"
    assert not by_name["vm.parameters"].dialog and by_name["vm.reboot"].dialog


def test_the_more_menu_is_grouped_by_section(vm, alice):
    more = web.header_actions(alice, vm).more
    names = [link.action.name for link in more]
    starts = [link.action.name for link in more if link.group_start]
    # Resources (modify, its parameters, its card), then tags; the destructive ones last.
    assert names.index("vm.modify") < names.index("vm.parameters") < names.index("vm.tags")
    assert starts == ["vm.tags", "vm.reinstall"] and names[-1] == "vm.remove"
    first_destructive = next(link for link in more if link.action.destructive)
    assert first_destructive.group_start and not more[0].group_start


def test_only_a_plain_action_is_one_click():
    assert not asks_first(ACTIONS["vm.start"])
    assert asks_first(ACTIONS["vm.reboot"])  # its reboot type
    assert asks_first(ACTIONS["vm.remove"]) and asks_first(ACTIONS["cluster.redistribute"])
    assert all(asks_first(a) for a in ACTIONS.values() if a.destructive)
