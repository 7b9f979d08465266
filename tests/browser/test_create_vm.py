"""The creation wizard: fill in, review, create and watch; save the values as a template."""

from __future__ import annotations

import contextlib
import subprocess

import pytest
from playwright.sync_api import Page, expect

from .conftest import CLUSTER
from .pages import shoot
from .sandbox import gnt, node_lock_held

pytestmark = pytest.mark.browser

NODE = "node1.ganeti.test"
NEW_VM = "new001.ganeti.test"
TEMPLATE = "Small file VM"


def open_wizard(page: Page) -> None:
    page.goto("/vms/")
    page.get_by_role("link", name="Create a virtual machine").click()
    # One cluster: straight to its form.
    expect(
        page.get_by_role("heading", name=f"Create a virtual machine on {CLUSTER}")
    ).to_be_visible()


def fill_in_the_vm(page: Page) -> None:
    """A small VM with a file disk on the sandbox's only node (hail finds no room there)."""
    page.get_by_label("Operating system").select_option("noop+default")
    page.get_by_label("Disk template").select_option("file")
    page.get_by_label("Memory:", exact=True).fill("256M")  # not "Minimum memory:"
    page.get_by_label("Disk 1").fill("1G")
    page.get_by_label("Let Ganeti choose the nodes").uncheck()
    page.get_by_label("Primary node").select_option(NODE)
    # The sandbox's names resolve nowhere.
    page.get_by_label("Check that the name resolves").uncheck()
    page.get_by_label("Check that its IP address is not in use").uncheck()


def progress_status(page: Page):
    return page.locator("#creation-progress tbody td:nth-child(3)")


def test_a_vm_is_created_with_the_wizard_and_followed_live(page: Page, vms, sandbox_env):
    open_wizard(page)
    page.get_by_label("Owner").select_option(label="user admin")
    page.get_by_label("Instance name").fill(NEW_VM)
    fill_in_the_vm(page)
    shoot(page, "vm-create-form", full_page=True)

    page.get_by_role("button", name="Review").click()
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_be_visible()
    for label, value in (
        ("Names", NEW_VM),
        ("Owner", "user admin"),
        ("Operating system", "noop+default"),
        ("Disk template", "file"),
        ("Disks", "1 GiB"),
        ("Memory", "256 MiB"),
        ("Placement", NODE),
        ("Options", "start"),
    ):
        expect(summary.locator(f"dt:text-is('{label}') + dd")).to_have_text(value)
    shoot(page, "vm-create-summary")

    try:
        # Ganeti's creation job waits for the node's lock: the page shows it waiting.
        with node_lock_held(sandbox_env):
            summary.get_by_role("button", name="Create", exact=True).click()
            expect(page.get_by_role("heading", name=f"Creating {NEW_VM}")).to_be_visible()
            status = progress_status(page)
            expect(status).to_have_text("waiting…", timeout=30_000)
            page.evaluate("window.gwmMarker = 'same page'")
            navigations: list[str] = []
            page.on("framenavigated", lambda frame: navigations.append(frame.url))
            shoot(page, "vm-create-waiting")
        # Lock released: htmx polls the progress in place until the job has ended.
        expect(status).to_have_text("success", timeout=60_000)
        progress = page.locator("#creation-progress")
        link = progress.get_by_role("link", name=NEW_VM, exact=True)
        expect(link).to_be_visible()
        assert page.evaluate("window.gwmMarker") == "same page"
        assert navigations == []
        expect(progress).not_to_have_attribute("hx-trigger", "every 1s")  # no more polling
        shoot(page, "vm-create-progress")

        link.click()
        expect(page.get_by_role("heading", name=NEW_VM)).to_be_visible()
        expect(page.locator("dt:text-is('Owner') + dd")).to_have_text("admin")
        expect(page.locator("#vm-status .state")).to_have_text("running")
    finally:
        # Back to the seeded VMs only (the tour photographs the lists).
        with contextlib.suppress(subprocess.CalledProcessError):  # not created
            gnt("gnt-instance", "remove", "-f", NEW_VM)


def test_the_wizards_values_are_saved_as_a_template_and_start_a_new_vm(page: Page, vms):
    open_wizard(page)
    fill_in_the_vm(page)
    page.get_by_role("button", name="Save as a template…").click()

    expect(page.get_by_role("heading", name="New VM template")).to_be_visible()
    expect(page.get_by_label("Disk template")).to_have_value("file")
    expect(page.get_by_label("Disk 1")).to_have_value("1G")
    page.get_by_label("Template name").fill(TEMPLATE)
    page.get_by_label("Description").fill("256 MiB and a 1 GiB file disk on node1")
    page.get_by_role("button", name="Save the template").click()

    expect(page.get_by_role("status")).to_contain_text(f"Template {TEMPLATE} saved.")
    expect(page.get_by_role("heading", name=f"Template {TEMPLATE}")).to_be_visible()
    expect(page.locator("dt:text-is('Disks') + dd")).to_have_text("1 GiB")
    page.get_by_role("link", name="Create a VM from it").click()

    expect(page.get_by_text(f"Filled in from the template {TEMPLATE}.")).to_be_visible()
    for label, value in (
        ("Operating system", "noop+default"),
        ("Disk template", "file"),
        ("Memory:", "256M"),
        ("Disk 1", "1G"),
        ("Primary node", NODE),
        ("Instance name", ""),  # a template has no owner or name
    ):
        expect(page.get_by_label(label, exact=label.endswith(":"))).to_have_value(value)
    for label in (
        "Let Ganeti choose the nodes",
        "Check that the name resolves",
        "Check that its IP address is not in use",
    ):
        expect(page.get_by_label(label)).not_to_be_checked()
    expect(page.get_by_label("Start it when created")).to_be_checked()

    page.get_by_label("Instance name").fill("new002.ganeti.test")
    page.get_by_role("button", name="Review").click()
    summary = page.get_by_role("region", name="Summary")
    expect(summary.locator("dt:text-is('Names') + dd")).to_have_text("new002.ganeti.test")
    expect(summary.locator("dt:text-is('Placement') + dd")).to_have_text(NODE)
