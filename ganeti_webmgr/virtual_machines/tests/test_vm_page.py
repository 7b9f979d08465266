"""The VM page: its header (name, live state, the actions available now), its tabs,
and each action's own page, which the header's dialog shows (HX-Request) and which
works without JavaScript too. Against the RAPI simulator."""

from __future__ import annotations

import re

import pytest

from ganeti_webmgr.actions import service
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

PAGE = "/clusters/sim/vms/inst2.sim.test/"  # running, file disk of 1024 MiB, KVM
ALL_TABS = ["Overview", "Console", "Disks", "Network", "Parameters", "Jobs", "Log", "Permissions"]
DIALOG = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return cluster


@pytest.fixture
def owner(bob, cluster):
    """bob owns inst2 and holds its power permission."""
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    VirtualMachine.objects.filter(pk=vm.pk).update(owner_user=bob)
    set_permissions(vm, bob, ["power"])
    return bob


@pytest.fixture
def viewer(bob, cluster):
    """bob holds power on inst2 of a cluster GWM may only read: he sees, changes nothing."""
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), bob, ["power"])
    Cluster.objects.filter(pk=cluster.pk).update(read_only=True)
    return bob


def tab_labels(page) -> list[str]:
    bar = re.search(
        r'<div class="tabs" role="tablist"[^>]*>(.*?)</div>', page.content.decode(), re.S
    )
    assert bar, "no tab list"
    return re.findall(r'<a role="tab"[^>]*>([^<]+)</a>', bar[1])


def header(page) -> tuple[list[str], list[str]]:
    """(the buttons' labels, the More menu's labels) of the page's header."""
    actions = page.context["header_actions"]
    return [link.label for link in actions.buttons], [link.label for link in actions.more]


def test_a_superuser_sees_every_tab_and_every_action_available_now(client, alice, cluster):
    client.force_login(alice)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert tab_labels(page) == ALL_TABS
    buttons, more = header(page)
    assert buttons == ["Shut down", "Reboot"]  # running: no Start
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    available = [a.label for a in service.available(alice, vm) if not a.prominent]
    assert sorted(more) == sorted(available) and "Delete" in more and "Rename" not in more
    # Destructive ones last in the menu, after the others.
    flags = [link.action.destructive for link in page.context["header_actions"].more]
    assert flags == sorted(flags) and flags[-1] and not flags[0]
    text = page.content.decode()
    assert '<button type="button" class="menu-button"' in text and ">More</button>" in text
    assert 'href="/clusters/sim/vms/inst2.sim.test/remove" data-dialog>Delete…</a>' in text
    assert b"Change owner" in page.content  # the Overview's GWM part, for its admins


def test_an_owner_with_the_power_grant_gets_power_and_the_console(client, owner):
    client.force_login(owner)
    page = client.get(PAGE)
    assert tab_labels(page) == [t for t in ALL_TABS if t != "Permissions"]
    assert header(page) == (["Shut down", "Reboot"], [])
    text = page.content.decode()
    assert "menu-button" not in text  # nothing more to offer
    assert "Change owner" not in text and "Owner</dt><dd>bob</dd>" in text
    console = client.get(PAGE, {"tab": "console"})
    assert b'href="/clusters/sim/vms/inst2.sim.test/console/"' in console.content
    assert b'href="/clusters/sim/vms/inst2.sim.test/console/serial/"' in console.content


def test_a_stopped_vm_offers_start_as_one_click(client, owner):
    VirtualMachine.objects.filter(name="inst2.sim.test").update(
        oper_state=False, status="ADMIN_down"
    )
    client.force_login(owner)
    page = client.get(PAGE)
    assert header(page) == (["Start"], [])
    text = page.content.decode()
    # No form to fill: a button posting to the action's address, no dialog.
    assert re.search(
        r'<form method="post" action="/clusters/sim/vms/inst2.sim.test/start" class="inline" '
        r'aria-label="Start">.*?<button type="submit">Start</button></form>',
        text,
        re.S,
    )


def test_a_read_only_viewer_sees_the_vm_and_nothing_to_do(client, viewer):
    client.force_login(viewer)
    page = client.get(PAGE)
    assert page.status_code == 200
    # The console's keystrokes would be writes: not on a read-only cluster.
    assert tab_labels(page) == [t for t in ALL_TABS if t not in ("Console", "Permissions")]
    assert header(page) == ([], [])
    assert b"Nothing can be changed here: the cluster is read-only in GWM." in page.content
    assert client.get(PAGE, {"tab": "console"}).status_code == 404
    assert client.get(PAGE + "reboot").status_code == 403


def test_a_tab_not_shown_and_an_unknown_tab_are_404(client, owner):
    client.force_login(owner)
    hidden = client.get(PAGE, {"tab": "permissions"})
    assert hidden.status_code == 404
    unknown = client.get(PAGE, {"tab": "bogus"})
    assert unknown.status_code == 404


def test_the_tabs_are_links_with_their_roles(client, alice, cluster):
    client.force_login(alice)
    text = client.get(PAGE, {"tab": "disks"}).content.decode()
    assert (
        '<div class="tabs" role="tablist" id="vm-tabs" aria-label="Virtual machine inst2.sim.test"'
        in text
    )
    assert (
        '<a role="tab" id="vm-tabs-disks" href="/clusters/sim/vms/inst2.sim.test/?tab=disks" '
        'aria-selected="true" aria-controls="vm-tabs-panel">Disks</a>'
    ) in text
    assert (
        '<a role="tab" id="vm-tabs-overview" href="/clusters/sim/vms/inst2.sim.test/" '
        'aria-selected="false">Overview</a>'
    ) in text
    assert '<div role="tabpanel" id="vm-tabs-panel" aria-labelledby="vm-tabs-disks"' in text
    assert "tabs.js" in text and "actions.js" in text
    assert "<script>" not in text and " onclick=" not in text and " style=" not in text


def test_each_tab_shows_its_part(client, alice, bob, cluster):
    set_permissions(VirtualMachine.objects.get(name="inst2.sim.test"), bob, ["power", "tags"])
    client.force_login(alice)
    client.post(PAGE + "reboot", {"reboot_type": "hard"})

    def tab(key):
        page = client.get(PAGE, {"tab": key} if key else {})
        assert page.status_code == 200, key
        return page.content.decode()

    assert "<dt>Memory</dt><dd>1024 MiB</dd>" in tab("")
    disks = tab("disks")
    assert "Disk template <strong>file</strong>" in disks
    assert "<tr><td>disk 0</td><td>1024 MiB</td></tr>" in disks
    network = tab("network")
    mac = VirtualMachine.objects.get(name="inst2.sim.test").nic_macs[0]
    assert f"<td>card 0</td><td>{mac}</td><td>-</td><td>bridged</td><td>br0</td>" in network
    parameters = tab("parameters")
    assert "Hypervisor parameters" in parameters and "<dt>boot_order</dt>" in parameters
    assert "<dt>maxmem</dt><dd>1024</dd>" in parameters
    assert 'href="/clusters/sim/vms/inst2.sim.test/parameters"' in parameters
    jobs = tab("jobs")
    assert "hard reboot of inst2.sim.test" in jobs and 'id="recent-jobs"' in jobs
    log = tab("log")
    assert "<code>vm.reboot</code>" in log and 'href="/log/vm/sim/inst2.sim.test/"' in log
    permissions = tab("permissions")
    assert "<tr><td>user bob</td><td>power, tags</td></tr>" in permissions
    assert 'href="/clusters/sim/vms/inst2.sim.test/permissions/"' in permissions


# -- without JavaScript: the header's links go to each action's own page -------------------
def test_without_javascript_an_action_is_its_own_page(client, alice, cluster):
    client.force_login(alice)
    page = client.get(PAGE + "reboot")
    assert page.status_code == 200 and b"<html" in page.content
    assert b"<h1" in page.content and b"Reboot: inst2.sim.test" in page.content
    text = page.content.decode()
    assert '<form method="post" action="/clusters/sim/vms/inst2.sim.test/reboot"' in text
    assert f'<a href="{PAGE}" data-dialog-close>Cancel</a>' in text
    done = client.post(PAGE + "reboot", {"reboot_type": "soft"})
    assert done.status_code == 302 and done.url == PAGE + "?tab=jobs"
    assert Job.objects.get().action == "vm.reboot"
    assert b"Requested: soft reboot of inst2.sim.test" in client.get(done.url).content


def test_without_javascript_a_refused_form_shows_again_with_its_error(client, alice, cluster):
    client.force_login(alice)
    refused = client.post(PAGE + "remove", {"confirm_name": "inst3.sim.test"})
    assert refused.status_code == 400 and b"<html" in refused.content
    assert b"Type inst2.sim.test exactly." in refused.content
    assert b'value="inst3.sim.test"' in refused.content  # as typed
    assert not Job.objects.exists()


def test_without_javascript_a_destructive_action_asks_on_a_page(client, alice, cluster):
    client.force_login(alice)
    asked = client.post(PAGE + "reinstall", {"os": "noop+default", "start": "on"})
    assert asked.status_code == 200 and b"<html" in asked.content
    text = asked.content.decode()
    assert "everything on its disks is lost" in text
    assert '<form method="post" action="/clusters/sim/vms/inst2.sim.test/reinstall"' in text
    assert not Job.objects.exists()


def test_an_action_not_available_now_says_why(client, alice, cluster):
    client.force_login(alice)
    page = client.get(PAGE + "start")  # it runs
    assert page.status_code == 409 and b"Not now: it is running." in page.content
    assert b"<form" not in page.content.split(b"<main", 1)[1].split(b"</main>")[0]


# -- with JavaScript: the same addresses answer the dialog ----------------------------------
def test_the_dialog_gets_the_form_alone(client, alice, cluster):
    client.force_login(alice)
    part = client.get(PAGE + "shutdown", **DIALOG)
    assert part.status_code == 200 and b"<html" not in part.content
    text = part.content.decode()
    assert '<h2 id="action-dialog-title">Shut down: inst2.sim.test?</h2>' in text
    assert "what it serves is down until it is started again" in text  # its warning
    assert '<button type="submit" class="danger">Shut down</button>' in text


def test_the_dialog_asks_to_confirm_then_the_page_follows_the_job(client, alice, cluster):
    client.force_login(alice)
    asked = client.post(PAGE + "shutdown", {"timeout": "0"}, **DIALOG)
    assert asked.status_code == 200 and b"<html" not in asked.content
    text = asked.content.decode()
    assert '<h2 id="action-dialog-title">Shut down: inst2.sim.test?</h2>' in text
    assert "powered off at once" in text
    assert '<form method="post" action="/clusters/sim/vms/inst2.sim.test/shutdown"' in text
    assert '<input type="hidden" name="confirmed" value="yes">' in text
    assert not Job.objects.exists()
    done = client.post(PAGE + "shutdown", {"timeout": "0", "confirmed": "yes"}, **DIALOG)
    assert done.status_code == 200 and done["HX-Redirect"] == PAGE + "?tab=jobs"
    job = Job.objects.get()
    assert job.action == "vm.shutdown" and job.params == {"timeout": 0}
    assert Entry.objects.get(job=job).action == "vm.stop"
    assert b"Requested: power off inst2.sim.test at once" in client.get(PAGE).content


def test_the_dialog_shows_a_refusal_on_the_form(client, alice, cluster):
    client.force_login(alice)
    refused = client.post(PAGE + "remove", {"confirm_name": "nope"}, **DIALOG)
    assert refused.status_code == 400 and b"<html" not in refused.content
    assert b"Type inst2.sim.test exactly." in refused.content
    # The error is on the form; no message left over for the next page.
    assert b"exactly." not in client.get(PAGE).content
