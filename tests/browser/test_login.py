"""Logging in with the administrator gwm-init made."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .pages import LAPTOP, shoot

pytestmark = pytest.mark.browser


def test_the_administrator_logs_in_after_a_wrong_password(browser: Browser, gwm):
    context = browser.new_context(base_url=gwm.url, viewport=LAPTOP)
    page = context.new_page()
    page.goto("/vms/")
    expect(page).to_have_url(f"{gwm.url}/accounts/login/?next=/vms/")  # not without a login

    page.get_by_label("User name").fill(gwm.admin_user)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    expect(page.get_by_label("User name")).to_have_value(gwm.admin_user)  # kept
    shoot(page, "login-error")

    page.get_by_label("Password").fill(gwm.admin_password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{gwm.url}/vms/")  # back where the user wanted to go
    expect(page.get_by_role("heading", name="Virtual machines")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(gwm.admin_user)
    context.close()
