"""Jobs: cancelling one that waits in Ganeti's queue, and Ganeti's errors surfaced."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import reload_until
from .sandbox import node_lock_held, vm_name

pytestmark = pytest.mark.browser

QUEUED = vm_name(1)  # stopped; modifying it needs the node's lock
MIGRATE = vm_name(8)  # running; one node: Ganeti finds no target
FAILOVER = vm_name(3)


def open_vm(page: Page, name: str) -> None:
    page.goto(f"/vms/?q={name}")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def started_job(page: Page, what: str) -> str:
    """The Ganeti job id the "Started: <what> ... (Ganeti job N)." message names."""
    message = page.get_by_role("status")
    expect(message).to_contain_text(f"Started: {what}")
    return re.search(r"Ganeti job (\d+)", message.inner_text()).group(1)


def job_state(page: Page):
    return page.locator("dt:text-is('Status') + dd .state")


def test_a_job_waiting_in_ganetis_queue_is_cancelled_from_its_page(page: Page, vms, sandbox_env):
    open_vm(page, QUEUED)
    expect(page.locator("dt:text-is('Memory') + dd")).to_have_text(re.compile(r"^128 MiB"))
    with node_lock_held(sandbox_env):
        page.get_by_label("Memory (MiB)").fill("256")
        page.get_by_role("button", name="Modify", exact=True).click()
        job_id = started_job(page, f"modify {QUEUED}: maxmem 256")
        # The page's live status names the unfinished job.
        live = page.locator("#vm-status")
        live.get_by_role("link", name=f"INSTANCE_SET_PARAMS({QUEUED})").click()
        expect(page.get_by_role("heading", name=f"Job {job_id} on lab")).to_be_visible()
        reload_until(page, job_state(page).get_by_text("waiting", exact=True))  # for the lock

        page.get_by_role("button", name="Cancel job").click()
        expect(page.get_by_role("status")).to_contain_text(f"Job {job_id} is being cancelled.")
        reload_until(page, job_state(page).get_by_text("canceled", exact=True))
        expect(page.get_by_role("button", name="Cancel job")).to_have_count(0)

    page.get_by_role("link", name=QUEUED).click()
    expect(page.locator("dt:text-is('Memory') + dd")).to_have_text(re.compile(r"^128 MiB"))
    row = page.get_by_role("region", name="Recent jobs").get_by_role("row")
    expect(row.filter(has_text="INSTANCE_SET_PARAMS")).to_contain_text("canceled")


def test_a_migration_ganeti_refuses_shows_its_error_until_acknowledged(page: Page, vms):
    open_vm(page, MIGRATE)
    page.get_by_role("button", name="Migrate", exact=True).click()
    job_id = started_job(page, f"migrate {MIGRATE}")

    page.get_by_role("region", name="Recent jobs").get_by_role("link", name=job_id).click()
    error = page.get_by_role("alert")
    reload_until(page, error)
    expect(job_state(page)).to_have_text("error")
    expect(error).to_contain_text("OpPrereqError (insufficient_resources)")
    expect(error).to_contain_text("Can't find any good node")

    page.get_by_role("link", name="Ganeti Web Manager").click()
    failed = page.get_by_role("region", name="Failed jobs")
    link = failed.get_by_role("link", name=f"lab job {job_id}", exact=True)
    expect(link).to_be_visible()
    item = failed.get_by_role("listitem").filter(has_text=f"lab job {job_id}:")
    expect(item).to_contain_text("Can't find any good node")

    link.click()
    page.get_by_role("button", name="Acknowledge the error").click()
    expect(page.get_by_role("status")).to_contain_text(f"Job {job_id}'s error is acknowledged.")
    expect(page.locator("dt:text-is('Status') + dd")).to_contain_text("(acknowledged)")
    page.get_by_role("link", name="Ganeti Web Manager").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    name = f"lab job {job_id}"
    expect(page.get_by_role("link", name=name, exact=True)).to_have_count(1)  # recent jobs
    expect(failed.get_by_role("link", name=name, exact=True)).to_have_count(0)


def test_a_failover_ganeti_refuses_is_listed_among_the_failed_jobs(page: Page, vms):
    open_vm(page, FAILOVER)
    page.get_by_role("button", name="Fail over").click()
    job_id = started_job(page, f"fail over {FAILOVER}")
    page.get_by_role("link", name="Ganeti Web Manager").click()
    failed = page.get_by_role("region", name="Failed jobs")
    reload_until(page, failed.get_by_role("link", name=f"lab job {job_id}", exact=True))
    expect(failed).to_contain_text(f"INSTANCE_FAILOVER({FAILOVER})")
