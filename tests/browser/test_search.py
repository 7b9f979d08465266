"""The top bar's search from the keyboard: / to the box, type, Enter, a result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .sandbox import vm_name

pytestmark = pytest.mark.browser

VM = vm_name(3)


def test_slash_reaches_the_search_box_and_a_result_leads_to_the_vm(page: Page, vms):
    page.goto("/jobs/")
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search all of GWM")
    expect(box).to_be_focused()
    page.keyboard.type(VM.split(".")[0])
    page.keyboard.press("Enter")
    results = page.get_by_role("region", name="Virtual machines")
    expect(results.get_by_role("link", name=VM, exact=True)).to_be_visible()
    # A "/" typed into a field stays in the field.
    again = page.get_by_role("searchbox", name="Search for")
    again.fill("")
    again.type("a/b")
    expect(again).to_have_value("a/b")
    results.get_by_role("link", name=VM, exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/vms/{re.escape(VM)}/$"))
