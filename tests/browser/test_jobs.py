"""Jobs: requests handed to Ganeti, a job cancelled while it waits in Ganeti's queue,
and Ganeti's refusals and errors as the pages show them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .pages import open_vm, requested, shoot
from .sandbox import node_lock_held, queue_drained, vm_name

pytestmark = pytest.mark.browser

QUEUED = vm_name(1)  # stopped; modifying it needs the node's lock
UNRESOLVED = vm_name(7)  # stopped: may be renamed
DRAINED = vm_name(5)  # stopped: Start is offered
# Long enough for gwm-worker to hand the request over and Ganeti to end the job.
JOB_TIMEOUT = 30_000


def newest_job(page: Page) -> Locator:
    """The first row of the page's Recent jobs (which updates itself while a job runs)."""
    return page.get_by_role("region", name="Recent jobs").locator("tbody tr").first


def ganeti_job_id(row: Locator) -> str:
    """The Ganeti job id the row links to, once gwm-worker has handed the request over."""
    link = row.get_by_role("link").first
    expect(link).to_have_text(re.compile(r"^\d+$"), timeout=JOB_TIMEOUT)
    return link.inner_text()


def job_state(page: Page) -> Locator:
    return page.locator("dt:text-is('Status') + dd .state")


def test_a_job_waiting_in_ganetis_queue_is_cancelled_from_its_page(page: Page, vms, sandbox_env):
    open_vm(page, QUEUED)
    memory = page.locator("dt:text-is('Memory') + dd")
    expect(memory).to_have_text(re.compile(r"^128 MiB"))
    with node_lock_held(sandbox_env):
        page.get_by_role("group", name="Actions").get_by_role("button", name="More").click()
        page.get_by_role("menuitem", name="Modify…").click()
        modify = page.get_by_role("dialog", name=f"Modify: {QUEUED}")
        modify.get_by_label("Memory (MiB):", exact=True).fill("256")
        modify.get_by_role("button", name="Modify", exact=True).click()
        requested(page, f"modify {QUEUED}: maxmem 256")
        row = newest_job(page)
        job_id = ganeti_job_id(row)
        row.get_by_role("link", name=job_id, exact=True).click()
        expect(page.get_by_role("heading", name=f"Job {job_id} on lab")).to_be_visible()
        # The job page follows the job: it waits for the node's lock.
        expect(job_state(page)).to_have_text("waiting", timeout=JOB_TIMEOUT)

        page.get_by_role("button", name="Cancel job").click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Cancel requested: GWM asks Ganeti to cancel job {job_id}."
        )
        expect(page.get_by_role("button", name="Cancel job")).to_have_count(0)
        # gwm-worker sends the cancel; the page shows Ganeti's answer without a reload.
        expect(job_state(page)).to_have_text("canceled", timeout=JOB_TIMEOUT)

    page.get_by_role("link", name=QUEUED).click()
    expect(memory).to_have_text(re.compile(r"^128 MiB"))
    page.get_by_role("tab", name="Jobs").click()
    jobs = page.get_by_role("region", name="Recent jobs")
    row = jobs.get_by_role("row").filter(has=page.get_by_role("link", name=job_id, exact=True))
    expect(row).to_contain_text("canceled")


def test_an_evacuation_ganeti_cannot_do_shows_its_error_until_acknowledged(
    page: Page, vms, sandbox_env
):
    node = sandbox_env["GANETI_NODE_NAME"]
    page.goto(f"/clusters/lab/nodes/{node}/")
    expect(page.get_by_role("heading", name=f"Node {node}")).to_be_visible()
    # The master's role changes only by gnt-cluster master-failover: not offered.
    header = page.get_by_role("group", name="Actions")
    expect(header.get_by_role("link", name="Change role…")).to_have_count(0)
    header.get_by_role("link", name="Evacuate…").click()
    evacuate = page.get_by_role("dialog", name=f"Evacuate: {node}")
    evacuate.get_by_label("Move").select_option(label="primary VMs")
    evacuate.get_by_role("button", name="Evacuate").click()

    # Asked first, in the dialog, naming the VMs that would move.
    expect(page.get_by_role("dialog", name=f"Evacuate: {node}?")).to_be_visible()
    notice = evacuate.locator(".notice")
    expect(notice).to_contain_text(f"Ganeti moves the primary VMs of {node} to other nodes")
    for name in vms:
        expect(notice).to_contain_text(name)
    shoot(page, "confirm-evacuate")
    page.get_by_role("button", name="Yes, evacuate").click()

    requested(page, f"evacuate the primary VMs of {node}")
    expect(page.get_by_role("heading", name=f"Node {node}")).to_be_visible()
    row = newest_job(page)
    job_id = ganeti_job_id(row)
    # Ganeti took the job; one node leaves it nowhere to move them.
    expect(row).to_contain_text("error", timeout=JOB_TIMEOUT)
    row.get_by_role("link", name=job_id, exact=True).click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("OpExecError")
    expect(error).to_contain_text("Unable to evacuate instances")
    expect(job_state(page)).to_have_text("error")

    page.get_by_role("link", name="Ganeti Web Manager").click()
    failed = page.get_by_role("region", name="Failed jobs")
    link = failed.get_by_role("link", name=f"lab job {job_id}", exact=True)
    expect(link).to_be_visible()
    item = failed.get_by_role("listitem").filter(has_text=f"lab job {job_id}:")
    expect(item).to_contain_text("Unable to evacuate instances")

    link.click()
    page.get_by_role("button", name="Acknowledge the error").click()
    expect(page.get_by_role("status")).to_contain_text(f"Job {job_id}'s error is acknowledged.")
    expect(page.locator("dt:text-is('Status') + dd")).to_contain_text("(acknowledged)")
    page.get_by_role("link", name="Ganeti Web Manager").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    name = f"lab job {job_id}"
    expect(page.get_by_role("link", name=name, exact=True)).to_have_count(1)  # recent jobs
    expect(failed.get_by_role("link", name=name, exact=True)).to_have_count(0)


def test_a_rename_to_a_name_that_resolves_nowhere_is_listed_among_the_failed_jobs(page: Page, vms):
    open_vm(page, UNRESOLVED)
    page.get_by_role("group", name="Actions").get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Rename…").click()
    rename = page.get_by_role("dialog", name=f"Rename: {UNRESOLVED}")
    rename.get_by_label("New name:", exact=True).fill("nowhere.ganeti.test")
    expect(rename.get_by_label("Check that the new name resolves")).to_be_checked()
    rename.get_by_role("button", name="Rename").click()
    requested(page, f"rename {UNRESOLVED} to nowhere.ganeti.test")

    row = newest_job(page)
    job_id = ganeti_job_id(row)
    expect(row).to_contain_text("error", timeout=JOB_TIMEOUT)
    expect(row).to_contain_text("does not resolve")
    expect(page.get_by_role("heading", name=UNRESOLVED)).to_be_visible()  # not renamed

    page.get_by_role("link", name="Ganeti Web Manager").click()
    failed = page.get_by_role("region", name="Failed jobs")
    expect(failed.get_by_role("link", name=f"lab job {job_id}", exact=True)).to_be_visible()
    item = failed.get_by_role("listitem").filter(has_text=f"lab job {job_id}:")
    expect(item).to_contain_text("The given name (nowhere.ganeti.test) does not resolve")


def test_a_request_ganeti_refuses_ends_not_started_with_its_words(page: Page, vms):
    open_vm(page, DRAINED)
    with queue_drained():
        page.get_by_role("button", name="Start", exact=True).click()
        requested(page, f"start {DRAINED}")
        row = newest_job(page)
        expect(row).to_contain_text("not started", timeout=JOB_TIMEOUT)
    expect(row).to_contain_text("Ganeti refused: ")
    expect(row).to_contain_text("drained")

    row.get_by_role("link", name="request", exact=True).click()
    expect(page.get_by_role("heading", name="Request to Ganeti on lab")).to_be_visible()
    expect(job_state(page)).to_have_text("not started")
    expect(page.get_by_role("alert")).to_contain_text("Ganeti refused: ")
    expect(page.get_by_role("button", name="Cancel job")).to_have_count(0)
    # Nothing was done: the VM is still stopped and may be started.
    page.get_by_role("link", name=DRAINED).click()
    expect(page.locator("#vm-status .state")).to_have_text("ADMIN_down")
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
