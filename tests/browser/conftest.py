"""Browser tests: headless Chromium against a live GWM and the real Ganeti sandbox.

`make test-browser` brings the sandbox up (bin/ganeti-sandbox), runs `pytest -m
browser` and brings it down again. This session then starts its own GWM
(gwm-init, gwm-server, gwm-worker on a free loopback port, SQLite, under
test-output/browser/site/ where the logs stay for reading), seeds VMs, and every
test is a user's flow through the pages. Playwright drives Debian's Chromium
(CHROMIUM, default /usr/bin/chromium): Playwright's own browser download is not used.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from ganeti_webmgr.testing import sandbox as ganeti_sandbox

from . import sandbox
from .pages import LAPTOP, SCREENSHOTS, reload_until, shoot
from .site import LiveGWM

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container: Chromium's own sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # no calls home: loopback only
]
CLUSTER = "lab"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The tour photographs the pages with what the flows left behind (jobs, errors, log).
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/test_tour.py"))


# -- the sandbox (sandbox_env: the pytest plugin) and the live site ----------------------
@pytest.fixture(scope="session")
def sandbox_vms(sandbox_env) -> list[str]:
    return sandbox.seed(sandbox_env)


@pytest.fixture(scope="session")
def gwm():
    """gwm-server and gwm-worker for the whole session, stopped whatever happens."""
    root = SCREENSHOTS / "site"
    shutil.rmtree(root, ignore_errors=True)
    site = LiveGWM(root)
    try:
        site.start()
        yield site
    finally:
        site.stop()


# -- Playwright ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def admin_storage(browser: Browser, gwm, tmp_path_factory) -> str:
    """The admin's logged-in session (cookies), logged in once through the login page."""
    context = browser.new_context(base_url=gwm.url, viewport=LAPTOP)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("User name").fill(gwm.admin_user)
    page.get_by_label("Password").fill(gwm.admin_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    path = str(tmp_path_factory.mktemp("browser") / "admin.json")
    context.storage_state(path=path)
    context.close()
    return path


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, gwm, admin_storage):
    """Each test's page: the live site, a laptop's viewport, logged in as the admin."""
    return {
        **browser_context_args,
        "base_url": gwm.url,
        "viewport": LAPTOP,
        "storage_state": admin_storage,
    }


# -- the cluster, added through the UI once per session -------------------------------------
@dataclass
class AddedCluster:
    slug: str
    shown_fingerprint: str  # what the confirmation page showed


@pytest.fixture(scope="session")
def cluster(browser: Browser, browser_context_args, sandbox_env, sandbox_vms) -> AddedCluster:
    """Clusters > Add: check the connection with a pinned certificate, then confirm."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto("/clusters/")
    page.get_by_role("link", name="Add a cluster").click()
    page.get_by_label("Name in GWM").fill(CLUSTER)
    page.get_by_label("Hostname").fill(sandbox_env["GANETI_RAPI_HOST"])
    page.get_by_label("Port").fill(sandbox_env["GANETI_RAPI_PORT"])
    page.get_by_label("Username").fill(sandbox_env["GANETI_RAPI_USER"])
    page.get_by_label("Password").fill(sandbox_env["GANETI_RAPI_PASSWORD"])
    page.get_by_label("Pin the certificate").check()
    page.get_by_label("Description").fill("Single-node Ganeti sandbox (fake hypervisor)")
    shoot(page, "cluster-add", full_page=True)
    page.get_by_role("button", name="Check the connection").click()
    expect(page.get_by_role("heading", name="Is this the right cluster?")).to_be_visible()
    shown = page.locator("dt:text-is('Certificate (SHA-256)') + dd").inner_text().strip()
    shoot(page, "cluster-add-confirm")
    page.get_by_role("button", name="Add this cluster").click()
    expect(page.get_by_role("heading", name=f"Cluster {CLUSTER}")).to_be_visible()
    context.close()
    return AddedCluster(CLUSTER, shown)


@pytest.fixture(scope="session")
def vms(browser: Browser, browser_context_args, cluster, sandbox_vms) -> list[str]:
    """The seeded VMs, once gwm-worker's sync has brought them into GWM."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(f"/clusters/{cluster.slug}/vms/")
    reload_until(page, page.get_by_role("link", name=sandbox_vms[-1], exact=True))
    context.close()
    return sandbox_vms


@pytest.fixture
def fresh_vm(page: Page, cluster, sandbox_env):
    """fresh_vm(name, also=()): a stopped VM made in Ganeti for one flow, once GWM lists
    it; afterwards whatever is left of it, under name or the names in also, is removed
    (the tour photographs the seeded VMs only)."""
    made: list[str] = []

    def make(name: str, also: tuple[str, ...] = ()) -> str:
        made.extend([name, *also])
        ganeti_sandbox.add_instance(sandbox_env, name)
        page.goto(f"/clusters/{cluster.slug}/vms/?q={name}")
        reload_until(page, page.get_by_role("link", name=name, exact=True))
        return name

    yield make
    for name in made:
        ganeti_sandbox.remove_instance(name)
