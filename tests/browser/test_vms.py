"""VM lists and the VM page: what gwm-worker synced, power actions, bulk actions, a rename
and a delete followed live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import reload_until, reload_until_gone, requested
from .sandbox import vm_name

pytestmark = pytest.mark.browser

# Seeded: the even ones run. Each flow has VMs of its own.
STOP_START = vm_name(0)
BULK = [vm_name(2), vm_name(4), vm_name(6)]
# Made for their flows (fresh_vm), stopped.
RENAMED, NEW_NAME = "old001.ganeti.test", "new-name001.ganeti.test"
DELETED = "gone001.ganeti.test"


def test_the_vm_list_shows_the_synced_vms_and_filters_them(page: Page, cluster, sandbox_vms):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Virtual machines").click()
    expect(page.get_by_role("heading", name="Virtual machines")).to_be_visible()
    # gwm-worker syncs the cluster added moments ago; the list does not poll.
    reload_until(page, page.get_by_role("link", name=sandbox_vms[-1], exact=True))
    for name in sandbox_vms:
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row).to_contain_text(cluster.slug)
        expect(row).to_contain_text("128 MiB")

    page.get_by_label("State", exact=True).select_option("stopped")
    page.get_by_role("button", name="Filter").click()
    stopped = [name for number, name in enumerate(sandbox_vms) if number % 2]
    names = page.locator("tbody td:nth-child(2) a")
    expect(names).to_have_text(stopped)
    expect(page.get_by_text(f"{len(stopped)} virtual machines.")).to_be_visible()

    page.get_by_role("link", name="Node", exact=True).click()  # sorting keeps the filter
    expect(page).to_have_url(re.compile(r"state=stopped.*sort=node"))
    expect(names).to_have_text(stopped)


def test_the_vm_page_offers_start_or_shut_down_as_its_state_changes(page: Page, vms):
    page.goto("/vms/")
    page.get_by_role("link", name=STOP_START, exact=True).click()
    expect(page.get_by_role("heading", name=STOP_START)).to_be_visible()
    state = page.locator("#vm-status .state")
    expect(state).to_have_text("running")
    header = page.get_by_role("group", name="Actions")
    start = header.get_by_role("form", name="Start")
    shut_down = header.get_by_role("link", name="Shut down…")
    expect(shut_down).to_be_visible()
    expect(start).to_have_count(0)

    # Its dialog asks; a timeout of 0 pulls the plug, so GWM asks once more.
    shut_down.click()
    dialog = page.get_by_role("dialog", name=f"Shut down: {STOP_START}?")
    dialog.get_by_label("Timeout (s)").fill("0")
    dialog.get_by_role("button", name="Shut down").click()
    expect(dialog.locator(".notice")).to_contain_text("powered off at once")
    dialog.get_by_role("button", name="Yes, shut down").click()

    for asked, final, offered, withdrawn in (
        (f"power off {STOP_START} at once", "ADMIN_down", start, shut_down),
        (f"start {STOP_START}", "running", shut_down, start),
    ):
        # The POST redirects back here; once that page has landed, mark it.
        requested(page, asked)
        page.evaluate("window.gwmMarker = 'same page'")
        navigations: list[str] = []

        def navigated(frame, navigations=navigations):
            navigations.append(frame.url)

        page.on("framenavigated", navigated)
        # htmx polls the status; Ganeti's change shows up in place, and with it what
        # may be done now.
        expect(state).to_have_text(final, timeout=30_000)
        expect(offered).to_be_visible(timeout=10_000)
        expect(withdrawn).to_have_count(0)
        assert page.evaluate("window.gwmMarker") == "same page"
        assert navigations == []
        page.remove_listener("framenavigated", navigated)
        if offered == start:
            start.get_by_role("button", name="Start").click()

    expect(page.locator("#vm-status .job-running")).to_have_count(0, timeout=15_000)
    jobs = page.get_by_role("region", name="Recent jobs")  # updates itself too
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_STARTUP")).to_contain_text("success")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_SHUTDOWN")).to_contain_text("success")


def test_a_bulk_reboot_of_three_vms_shows_a_result_for_each(page: Page, vms):
    page.goto("/vms/?state=running")
    for name in BULK:
        page.get_by_label(f"select {name}").check()
    page.get_by_label("Action", exact=True).select_option(label="Reboot")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name="Reboot: 3 virtual machines")).to_be_visible()
    results = page.locator("tbody tr")
    expect(results).to_have_count(3)
    requests = []
    for name, row in zip(BULK, results.all(), strict=True):
        expect(row.get_by_role("link", name=name)).to_be_visible()
        expect(row).to_contain_text("started:")
        link = row.get_by_role("link", name=re.compile("^(Ganeti job|being handed to Ganeti)"))
        requests.append(link.get_attribute("href"))

    for href, name in zip(requests, BULK, strict=True):
        # A request's page moves itself to its Ganeti job's once Ganeti has it.
        page.goto(href)
        expect(page.get_by_role("heading", name=re.compile(r"^Job \d+ on lab"))).to_be_visible(
            timeout=30_000
        )
        expect(page.locator("dt:text-is('Operations') + dd")).to_have_text(
            f"INSTANCE_REBOOT({name})"
        )
        expect(page.locator("dt:text-is('Status') + dd .state")).to_have_text(
            "success", timeout=30_000
        )


def test_a_stopped_vm_renamed_from_its_page_moves_to_its_new_name_by_itself(
    page: Page, fresh_vm, gwm
):
    fresh_vm(RENAMED, also=(NEW_NAME,))
    page.get_by_role("link", name=RENAMED, exact=True).click()
    expect(page.get_by_role("heading", name=RENAMED)).to_be_visible()
    old_address = page.url
    expect(page.locator("#vm-status .state")).to_have_text("ADMIN_down")
    page.get_by_role("group", name="Actions").get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Rename…").click()
    rename = page.get_by_role("dialog", name=f"Rename: {RENAMED}")
    rename.get_by_label("New name:", exact=True).fill(NEW_NAME)
    rename.get_by_label("Check that the new name resolves").uncheck()  # it resolves nowhere
    rename.get_by_role("button", name="Rename").click()
    requested(page, f"rename {RENAMED} to {NEW_NAME}")

    # No reload: the page's poll of the old address answers with the new one.
    new_address = f"{gwm.url}/clusters/lab/vms/{NEW_NAME}/"
    expect(page).to_have_url(new_address, timeout=30_000)
    expect(page.get_by_role("heading", name=NEW_NAME)).to_be_visible()
    page.get_by_role("tab", name="Jobs").click()
    jobs = page.get_by_role("region", name="Recent jobs")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_RENAME")).to_contain_text("success")

    page.goto(old_address)  # a bookmark of the old name
    expect(page).to_have_url(new_address)
    expect(page.get_by_role("heading", name=NEW_NAME)).to_be_visible()


def test_a_vm_deleted_from_its_page_leaves_the_list_and_its_page_says_so(page: Page, fresh_vm):
    fresh_vm(DELETED)
    page.get_by_role("link", name=DELETED, exact=True).click()
    vm_page = page.url
    page.get_by_role("group", name="Actions").get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Delete…").click()
    delete = page.get_by_role("dialog", name=f"Delete: {DELETED}?")
    delete.get_by_label("Type the VM's name to delete it").fill("web000.ganeti.test")
    delete.get_by_role("button", name="Delete").click()
    # The wrong name: refused, nothing asked of Ganeti.
    expect(delete.get_by_role("alert")).to_have_text(f"Type {DELETED} exactly.")
    delete.get_by_label("Type the VM's name to delete it").fill(DELETED)
    delete.get_by_role("button", name="Delete").click()

    requested(page, f"delete {DELETED}")
    expect(page).to_have_url(re.compile(r"/clusters/lab/vms/$"))  # the cluster's VM list
    # The list does not poll: once Ganeti has deleted it, it is no longer listed.
    reload_until_gone(page, page.get_by_role("link", name=DELETED, exact=True))
    page.goto(vm_page)  # the page stays, for its log and jobs
    expect(page.locator("#vm-status .state")).to_have_text("deleted")
    expect(page.get_by_text("This VM was deleted on")).to_be_visible()
    page.get_by_role("tab", name="Jobs").click()
    jobs = page.get_by_role("region", name="Recent jobs")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_REMOVE")).to_contain_text("success")
