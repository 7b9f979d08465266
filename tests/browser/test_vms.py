"""VM lists and the VM page: what gwm-worker synced, power actions, bulk actions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import reload_until
from .sandbox import vm_name

pytestmark = pytest.mark.browser

# Seeded: the even ones run. Each flow has VMs of its own.
STOP_START = vm_name(0)
BULK = [vm_name(2), vm_name(4), vm_name(6)]


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

    page.get_by_label("State").select_option("stopped")
    page.get_by_role("button", name="Filter").click()
    stopped = [name for number, name in enumerate(sandbox_vms) if number % 2]
    names = page.locator("tbody td:nth-child(2) a")
    expect(names).to_have_text(stopped)
    expect(page.get_by_text(f"{len(stopped)} virtual machines.")).to_be_visible()

    page.get_by_role("link", name="Node", exact=True).click()  # sorting keeps the filter
    expect(page).to_have_url(re.compile(r"state=stopped.*sort=node"))
    expect(names).to_have_text(stopped)


def test_stopping_and_starting_a_vm_updates_its_page_without_a_reload(page: Page, vms):
    page.goto("/vms/")
    page.get_by_role("link", name=STOP_START, exact=True).click()
    expect(page.get_by_role("heading", name=STOP_START)).to_be_visible()
    state = page.locator("#vm-status .state")
    expect(state).to_have_text("running")

    for button, started, final in (
        ("Shut down now", "shut down", "ADMIN_down"),
        ("Start", "start", "running"),
    ):
        page.get_by_role("button", name=button, exact=True).click()
        # The form's POST redirects back here; once that page has landed, mark it.
        expect(page.get_by_role("status")).to_contain_text(f"Started: {started} {STOP_START}")
        page.evaluate("window.gwmMarker = 'same page'")
        navigations: list[str] = []

        def navigated(frame, navigations=navigations):
            navigations.append(frame.url)

        page.on("framenavigated", navigated)
        # htmx polls the status fragment; Ganeti's change shows up in place.
        expect(state).to_have_text(final, timeout=30_000)
        assert page.evaluate("window.gwmMarker") == "same page"
        assert navigations == []
        page.remove_listener("framenavigated", navigated)

    expect(page.locator("#vm-status .job-running")).to_have_count(0, timeout=15_000)
    page.reload()  # the job table is not part of the live fragment
    jobs = page.get_by_role("region", name="Recent jobs")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_STARTUP")).to_contain_text("success")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_SHUTDOWN")).to_contain_text("success")


def test_a_bulk_reboot_of_three_vms_shows_a_result_for_each(page: Page, vms):
    page.goto("/vms/?state=running")
    for name in BULK:
        page.get_by_label(f"select {name}").check()
    page.get_by_label("With the selected:").select_option(label="Reboot")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name="Reboot: 3 virtual machines")).to_be_visible()
    results = page.locator("tbody tr")
    expect(results).to_have_count(3)
    job_links = []
    for name, row in zip(BULK, results.all(), strict=True):
        expect(row.get_by_role("link", name=name)).to_be_visible()
        expect(row).to_contain_text("started: Ganeti job")
        job_links.append(row.get_by_role("link", name="Ganeti job").inner_text())

    page.get_by_role("link", name="Jobs in progress").click()
    page.get_by_label("Status").select_option("success")
    page.get_by_role("button", name="Filter").click()
    for link, name in zip(job_links, BULK, strict=True):
        job_id = link.removeprefix("Ganeti job ")
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=job_id, exact=True))
        reload_until(page, row.filter(has_text=f"INSTANCE_REBOOT({name})"))
