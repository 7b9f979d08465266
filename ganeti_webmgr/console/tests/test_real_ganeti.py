"""The console websocket against the real Ganeti sandbox (make test-ganeti): its fake
hypervisor has no console, and the browser is told so in Ganeti's own words."""

from __future__ import annotations

import pytest
from guardian.shortcuts import assign_perm

from ganeti_webmgr.console import tickets
from ganeti_webmgr.console.models import ConsoleSession
from ganeti_webmgr.console.tests import test_websocket as vnc_tests
from ganeti_webmgr.console.tests.test_serial import error_of
from ganeti_webmgr.console.tests.test_websocket import open_console, scope_for
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.testing.sandbox import add_instance, gnt, unique
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = [pytest.mark.ganeti, pytest.mark.django_db(transaction=True)]
logged_in = vnc_tests.logged_in


@pytest.fixture
def running_vm(sandbox_env, sandbox_cluster, sandbox_instances, bob):
    name = unique("gwm-console")
    sandbox_instances.append(name)
    add_instance(sandbox_env, name)
    gnt("gnt-instance", "startup", name)
    sync.record_success(sandbox_cluster, sync.sync_cluster(sandbox_cluster), 3600)
    vm = VirtualMachine.objects.select_related("cluster").get(cluster=sandbox_cluster, name=name)
    assign_perm("power", bob, vm)
    return vm


def test_the_vnc_console_of_a_fake_hypervisor_vm_shows_ganetis_reason(running_vm, bob, logged_in):
    ticket = tickets.issue(bob, running_vm, "vnc")
    first, text = open_console(scope_for(running_vm, ticket, logged_in(bob)))
    assert first["type"] == "websocket.accept"
    assert text == "Ganeti says: Console not available for fake hypervisor"
    assert ConsoleSession.objects.get().end_reason == "unavailable"


def test_the_serial_console_of_a_fake_hypervisor_vm_shows_ganetis_reason(
    running_vm, bob, logged_in
):
    ticket = tickets.issue(bob, running_vm, "serial")
    message = error_of(scope_for(running_vm, ticket, logged_in(bob), kind="serial"))
    assert message == "Ganeti says: Console not available for fake hypervisor"


def test_a_stopped_vm_has_no_console(running_vm, bob, logged_in):
    gnt("gnt-instance", "shutdown", "--timeout=0", running_vm.name)
    ticket = tickets.issue(bob, running_vm, "vnc")
    _, text = open_console(scope_for(running_vm, ticket, logged_in(bob)))
    assert text == f"{running_vm.name} is not running, so it has no console"
