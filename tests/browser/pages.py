"""Helpers of the browser tests: opening pages, waiting for the worker, and screenshots."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

REPO = Path(__file__).resolve().parents[2]
#: git-ignored; `make screenshots` copies the documented ones into docs/
SCREENSHOTS = REPO / "test-output/browser"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def open_vm(page: Page, name: str) -> None:
    """A VM's page, found the way a user would: searched for in the list."""
    page.goto(f"/vms/?q={name}")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def requested(page: Page, what: str) -> None:
    """The page an action's POST led to says the request is recorded (not yet Ganeti's)."""
    expect(page.get_by_role("status")).to_contain_text(
        f"Requested: {what}. GWM is handing it to Ganeti; its job shows below."
    )


def reload_until(page: Page, locator: Locator, timeout: float = 60) -> None:
    """Reload a page that does not poll until locator shows up (gwm-worker caught up).

    Each attempt is Playwright's own expect with a short timeout, so the page is
    reloaded only when it has really not changed yet.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            expect(locator).to_be_visible(timeout=2000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def reload_until_gone(page: Page, locator: Locator, timeout: float = 60) -> None:
    """Reload a page that does not poll until locator has gone from it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            expect(locator).to_have_count(0, timeout=2000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def shoot(page: Page, name: str, full_page: bool = False) -> Path:
    """Save what the page shows (the viewport, or all of it) as test-output/browser/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    return path
