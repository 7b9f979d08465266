"""The user list as a superuser works it: natural order, the search and a filter as
chips, a sort kept in the address, the column chooser, select all on the page and
"all N matching" for a bulk deactivation and activation, and the export's address.
Users made through gwm-manage shell; no Ganeti (runs alone, without root)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import shoot
from .test_accessibility import serious_findings

pytestmark = pytest.mark.browser

NAMES = ["brw1", "brw2", "brw10"]  # natural order
SEED = """
from django.contrib.auth.models import Group, User
group, _ = Group.objects.get_or_create(name="brw-team")
for name in ("brw10", "brw2", "brw1"):
    user, _ = User.objects.get_or_create(username=name, defaults={"email": name + "@example.org"})
    user.is_active = True
    user.save()
    user.groups.add(group)
"""


@pytest.fixture(scope="module")
def seeded(gwm):
    gwm.manage("shell", "-c", SEED)


def names(page: Page):
    return page.locator("table.list tbody td:nth-child(2) a")


def test_the_user_list_by_search_chips_sort_and_columns(page: Page, seeded):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    page.get_by_role("searchbox", name="Search", exact=True).fill("brw")
    page.get_by_label("Group", exact=True).select_option("brw-team")
    page.get_by_role("button", name="Filter").click()
    expect(names(page)).to_have_text(NAMES)
    expect(page.get_by_text("3 users.")).to_be_visible()
    chips = page.locator("p.chips")
    expect(chips.get_by_role("link", name=re.compile(r"^Search: brw"))).to_be_visible()
    expect(chips.get_by_role("link", name=re.compile(r"^Group: brw-team"))).to_be_visible()
    serious = serious_findings(page, "user list")
    assert serious == [], "\n".join(serious)

    # A heading sorts, and again the other way; the address keeps search and filter.
    page.get_by_role("link", name="User name", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=brw.*group=brw-team.*sort=-username"))
    expect(names(page)).to_have_text(list(reversed(NAMES)))
    export = page.get_by_role("link", name="CSV", exact=True)
    expect(export).to_have_attribute("href", re.compile(r"^/accounts/users/export\?q=brw&"))

    # A chip drops its own filter and keeps the rest.
    chips.get_by_role("link", name=re.compile(r"^Group: brw-team")).click()
    expect(page).not_to_have_url(re.compile(r"group="))
    expect(page).to_have_url(re.compile(r"q=brw.*sort=-username"))
    expect(names(page)).to_have_text(list(reversed(NAMES)))

    # The column chooser: remembered, back to the defaults on request.
    page.get_by_text("Columns and page size", exact=True).click()
    page.get_by_label("Column: Last login").check()
    page.get_by_role("button", name="Remember").click()
    expect(page.get_by_role("status")).to_contain_text("Columns and page size remembered.")
    expect(page.get_by_role("columnheader", name="Last login")).to_be_visible()
    expect(page.get_by_role("cell", name="never").first).to_be_visible()
    page.get_by_text("Columns and page size", exact=True).click()
    page.get_by_role("button", name="Back to the defaults").click()
    expect(page.get_by_role("columnheader", name="Last login")).to_have_count(0)


def test_select_all_and_all_matching_deactivate_and_activate_again(page: Page, seeded):
    page.goto("/accounts/users/?q=brw&active=yes")
    expect(names(page)).to_have_text(NAMES)

    # The heading's box ticks every row of the page; deactivating asks first.
    page.get_by_label("Select all on this page").check()
    for name in NAMES:
        expect(page.get_by_label(f"select {name}", exact=True)).to_be_checked()
    page.get_by_label("Action", exact=True).select_option(label="Deactivate")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Deactivate 3 users?")).to_be_visible()
    shoot(page, "user-bulk-confirm")
    page.get_by_role("button", name="Deactivate them").click()
    expect(page.get_by_role("status")).to_contain_text("Deactivated 3 users: brw1, brw2, brw10.")
    expect(page.locator("p.empty")).to_have_text("No user matches.")  # active=yes kept

    # All matching: the count is confirmed, the filter evaluated again on confirming.
    page.goto("/accounts/users/?q=brw&active=no")
    expect(names(page)).to_have_text(NAMES)
    page.get_by_label("all 3 matching").check()
    page.get_by_label("Action", exact=True).select_option(label="Activate")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Activate: 3 users?")).to_be_visible()
    page.get_by_role("button", name="Activate: 3").click()
    expect(page.get_by_role("status")).to_contain_text("Activated 3 users: brw1, brw2, brw10.")
    expect(page).to_have_url(re.compile(r"/accounts/users/\?q=brw&active=no$"))

    # Each change is in the log, by the admin.
    page.goto("/log/?q=brw&action=user.")
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.filter(has_text="user.deactivate")).to_have_count(3)
    expect(rows.filter(has_text="user.activate")).to_have_count(3)
