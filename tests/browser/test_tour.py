"""Every main page, photographed after the flows (conftest.py runs this module last).

The PNGs land in test-output/browser/; `make screenshots` copies the ones the user
guide shows into docs/_static/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import CLUSTER
from .pages import PHONE, shoot
from .sandbox import vm_name

pytestmark = pytest.mark.browser

NODE = "node1.ganeti.test"
VM = vm_name(0)
PAGES = [
    ("dashboard", "/", "Dashboard"),
    ("cluster-list", "/clusters/", "Clusters"),
    # The cluster's header adds Ganeti's own name when it differs.
    ("cluster-detail", f"/clusters/{CLUSTER}/", re.compile(f"^Cluster {CLUSTER}( |$)")),
    ("vm-list", "/vms/", "Virtual machines"),
    # The list's search and a filter as chips, in the link that keeps them.
    ("vm-list-filtered", "/vms/?q=ganeti.test&state=running&sort=-memory", "Virtual machines"),
    ("search", "/search/?q=ganeti", "Search"),
    ("vm-detail", f"/clusters/{CLUSTER}/vms/{VM}/", VM),
    ("node-detail", f"/clusters/{CLUSTER}/nodes/{NODE}/", f"Node {NODE}"),
    ("job-list", "/jobs/", "Jobs"),
    ("audit-log", "/log/", "Log"),
]


def without_script_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page(page: Page, vms, name, path, heading):
    errors = without_script_errors(page)
    page.goto(path)
    exact = None if isinstance(heading, re.Pattern) else True
    expect(page.get_by_role("heading", name=heading, exact=exact)).to_be_visible()
    shoot(page, name)
    if name == "vm-detail":  # the whole page, its overview's end included
        shoot(page, "vm-detail-full", full_page=True)
    assert errors == []


def test_job_page(page: Page, vms):
    errors = without_script_errors(page)
    page.goto("/jobs/?status=error")
    page.locator("tbody a").first.click()
    expect(page.get_by_role("alert")).to_be_visible()
    shoot(page, "job-detail")
    assert errors == []


def test_vm_page_on_a_phone(browser: Browser, browser_context_args, vms):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    )
    page = context.new_page()
    errors = without_script_errors(page)
    page.goto(f"/clusters/{CLUSTER}/vms/{VM}/")
    expect(page.get_by_role("heading", name=VM)).to_be_visible()
    shoot(page, "vm-detail-phone")
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()
