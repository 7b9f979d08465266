"""The VM, node and cluster pages' header and tabs, by mouse and by keyboard: the
actions available now as buttons and a "More" menu, an action's dialog (asked,
confirmed, followed live), the tabs' arrow keys, the pages without JavaScript, and
axe-core's rules on all of it, light and dark. A simulated cluster: no Ganeti sandbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .console_site import simulated_cluster
from .pages import shoot
from .test_accessibility import serious_findings

pytestmark = pytest.mark.browser
SLUG = "pages"
WEB, DB, SPARE = "web1.pages.test", "db1.pages.test", "spare1.pages.test"
NODE = "node1.pages.test"
VM_PAGE = f"/clusters/{SLUG}/vms/{WEB}/"


@pytest.fixture(scope="module")
def pages_cluster(gwm):
    """Two nodes; web1 runs (file disk, KVM), db1 and spare1 are stopped (DRBD)."""
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    cluster = SimCluster("pages.sim.test", seed=3)
    cluster.add_node(NODE)
    cluster.add_node("node2.pages.test")
    cluster.add_instance(
        WEB, NODE, memory=1024, vcpus=2, disk_template="file", hypervisor="kvm", running=True
    )
    for name in (DB, SPARE):
        cluster.add_instance(
            name, NODE, snode="node2.pages.test", disk_template="drbd", running=False
        )
    with RapiSimulator(cluster, wait_timeout=1.0) as sim, simulated_cluster(gwm, SLUG, sim):
        yield cluster


def actions(page: Page):
    """The header's actions (a group named Actions)."""
    return page.get_by_role("group", name="Actions")


def test_the_header_offers_what_may_be_done_now(page: Page, pages_cluster):
    page.goto(VM_PAGE)
    expect(page.get_by_role("heading", name=WEB, level=1)).to_be_visible()
    expect(page.locator("#vm-status .state")).to_have_text("running")
    header = actions(page)
    expect(header.get_by_role("link", name="Shut down…")).to_be_visible()
    expect(header.get_by_role("link", name="Reboot…")).to_be_visible()
    expect(header.get_by_role("button", name="Start")).to_have_count(0)
    more = header.get_by_role("button", name="More")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(header.get_by_role("menu")).to_be_hidden()
    more.click()
    menu = page.get_by_role("menu", name="More")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Delete…")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Rename…")).to_have_count(0)  # it runs
    shoot(page, "vm-detail-menu")  # for the user guide (make screenshots)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()


def test_a_shutdown_is_asked_confirmed_and_followed_in_place(page: Page, pages_cluster):
    page.goto(VM_PAGE)
    opener = actions(page).get_by_role("link", name="Shut down…")
    opener.click()
    dialog = page.get_by_role("dialog", name=f"Shut down: {WEB}?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("what it serves is down until it is started again")
    timeout = dialog.get_by_label("Timeout (s)")
    expect(timeout).to_be_focused()
    shoot(page, "vm-detail-dialog")
    # Cancel: nothing asked, focus back on what opened it.
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    opener.click()
    dialog.get_by_label("Timeout (s)").fill("0")
    dialog.get_by_role("button", name="Shut down").click()
    # Pulling the plug is confirmed once more, in the dialog.
    expect(dialog).to_contain_text("powered off at once")
    expect(dialog.get_by_role("link", name="Cancel")).to_be_focused()  # not the red one
    dialog.get_by_role("button", name="Yes, shut down").click()

    expect(page).to_have_url(re.compile(r"\?tab=jobs$"))
    expect(page.get_by_role("status")).to_contain_text(f"Requested: power off {WEB} at once.")
    expect(page.get_by_role("tab", name="Jobs")).to_have_attribute("aria-selected", "true")
    # The state and what is offered follow Ganeti without a reload.
    expect(page.locator("#vm-status .state")).to_have_text("ADMIN_down", timeout=30_000)
    start = actions(page).get_by_role("button", name="Start")
    expect(start).to_be_visible(timeout=10_000)
    expect(actions(page).get_by_role("link", name="Shut down…")).to_have_count(0)
    start.click()  # one click: nothing to fill in
    expect(page.get_by_role("status")).to_contain_text(f"Requested: start {WEB}.")
    expect(page.locator("#vm-status .state")).to_have_text("running", timeout=30_000)
    jobs = page.get_by_role("region", name="Recent jobs")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_STARTUP")).to_contain_text("success")
    expect(jobs.get_by_role("row").filter(has_text="INSTANCE_SHUTDOWN")).to_contain_text("success")


def test_the_more_menu_by_keyboard(page: Page, pages_cluster):
    page.goto(f"/clusters/{SLUG}/vms/{DB}/")
    more = actions(page).get_by_role("button", name="More")
    more.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="More")
    expect(menu).to_be_visible()
    expect(more).to_have_attribute("aria-expanded", "true")
    items = menu.get_by_role("menuitem")
    expect(items.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # wraps to the last
    expect(items.last).to_be_focused()
    expect(items.last).to_have_text("Delete…")  # the destructive ones come last
    page.keyboard.press("Home")
    expect(items.first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(more).to_be_focused()
    expect(more).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("ArrowDown")  # opens it too
    expect(items.first).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press(" ")  # and Space
    expect(items.first).to_be_focused()
    rename = menu.get_by_role("menuitem", name="Rename…")
    rename.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=f"Rename: {DB}")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("New name:", exact=True)).to_be_focused()
    # A modal dialog keeps the focus inside it.
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.getElementById('action-dialog').contains(document.activeElement)"
        )
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(more).to_be_focused()  # its item is hidden: focus returns to the menu's button


def test_a_refused_form_stays_in_the_dialog_with_its_error(page: Page, pages_cluster):
    page.goto(f"/clusters/{SLUG}/vms/{SPARE}/")
    actions(page).get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Delete…").click()
    dialog = page.get_by_role("dialog", name=f"Delete: {SPARE}?")
    dialog.get_by_label("Type the VM's name to delete it").fill(WEB)
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog.get_by_role("alert")).to_have_text(f"Type {SPARE} exactly.")
    expect(dialog.get_by_label("Type the VM's name to delete it")).to_have_value(WEB)
    serious = serious_findings(page, "refused form in the dialog")
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert serious == [], "\n".join(serious)


def test_the_tabs_by_keyboard(page: Page, pages_cluster):
    page.goto(VM_PAGE)
    tabs = page.get_by_role("tablist", name=f"Virtual machine {WEB}")
    overview = tabs.get_by_role("tab", name="Overview")
    expect(overview).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Overview")).to_be_visible()
    overview.focus()
    page.keyboard.press("ArrowRight")
    console = tabs.get_by_role("tab", name="Console")
    expect(console).to_be_focused()
    expect(console).to_have_attribute("aria-selected", "false")  # moved, not opened
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # wraps to the last
    expect(tabs.get_by_role("tab", name="Permissions")).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    disks = tabs.get_by_role("tab", name="Disks")
    expect(disks).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?tab=disks$"))
    expect(disks).to_have_attribute("aria-selected", "true")
    expect(disks).to_be_focused()  # the new page gives the focus back to its tab
    expect(page.get_by_role("tabpanel", name="Disks")).to_contain_text("Disk template file")
    # One tab stop: Tab leaves the list.
    assert [t.get_attribute("tabindex") for t in tabs.get_by_role("tab").all()].count("0") == 1
    page.keyboard.press("ArrowRight")
    page.keyboard.press(" ")
    expect(page).to_have_url(re.compile(r"\?tab=network$"))
    expect(page.get_by_role("tabpanel", name="Network")).to_contain_text("br0")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?tab=disks$"))
    expect(tabs.get_by_role("tab", name="Disks")).to_have_attribute("aria-selected", "true")


def test_the_node_and_cluster_pages_have_the_same_header_and_tabs(page: Page, pages_cluster):
    page.goto(f"/clusters/{SLUG}/nodes/{NODE}/")
    expect(page.get_by_role("heading", name=f"Node {NODE}", level=1)).to_be_visible()
    tabs = page.get_by_role("tablist", name=f"Node {NODE}")
    tabs.get_by_role("tab", name="Virtual machines").click()
    table = page.get_by_role("table", name=re.compile(f"^Virtual machines on {NODE}"))
    for column in ("State", "Memory", "vCPUs"):
        expect(table.get_by_role("columnheader", name=column)).to_be_visible()
    expect(table.get_by_role("link", name=WEB)).to_be_visible()
    header = actions(page)
    header.get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Tags…").click()
    expect(page.get_by_role("dialog", name=f"Tags: {NODE}")).to_be_visible()
    page.keyboard.press("Escape")

    page.goto(f"/clusters/{SLUG}/")
    expect(page.get_by_role("heading", name=f"Cluster {SLUG}", level=1)).to_be_visible()
    tabs = page.get_by_role("tablist", name=f"Cluster {SLUG}")
    expect(tabs.get_by_role("tab", name="Overview")).to_have_attribute("aria-selected", "true")
    actions(page).get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Redistribute configuration…").click()
    dialog = page.get_by_role("dialog", name=f"Redistribute configuration: {SLUG}")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Redistribute configuration").click()
    expect(dialog).to_contain_text("Ganeti copies the configuration")  # asked first
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()


def test_without_javascript_the_links_are_pages(
    browser: Browser, browser_context_args, pages_cluster
):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    page.goto(f"/clusters/{SLUG}/vms/{DB}/")
    # No menu: the More list is a list of links.
    expect(page.get_by_role("button", name="More")).to_be_hidden()
    page.get_by_role("link", name="Tags…").click()
    expect(page).to_have_url(re.compile(f"/clusters/{SLUG}/vms/{DB}/tags$"))
    expect(page.get_by_role("heading", name=f"Tags: {DB}", level=1)).to_be_visible()
    page.get_by_label("Add tags").fill("role:db")
    page.get_by_role("button", name="Tags").click()
    expect(page).to_have_url(re.compile(r"\?tab=jobs$"))
    expect(page.get_by_role("status")).to_contain_text(f"Requested: add tag(s) role:db to {DB}.")
    page.get_by_role("tab", name="Disks").click()
    expect(page).to_have_url(re.compile(r"\?tab=disks$"))
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_tabs_menus_and_dialogs(page: Page, pages_cluster, scheme):
    page.emulate_media(color_scheme=scheme)
    findings = []
    for tab in ("", "console", "disks", "network", "parameters", "jobs", "log", "permissions"):
        page.goto(VM_PAGE + (f"?tab={tab}" if tab else ""))
        findings += serious_findings(page, f"VM tab {tab or 'overview'} ({scheme})")
    page.goto(VM_PAGE)
    actions(page).get_by_role("button", name="More").click()
    expect(page.get_by_role("menu")).to_be_visible()
    findings += serious_findings(page, f"More menu ({scheme})")
    page.keyboard.press("Escape")
    actions(page).get_by_role("link", name="Reboot…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    findings += serious_findings(page, f"dialog ({scheme})")
    page.keyboard.press("Escape")
    for path in (f"/clusters/{SLUG}/nodes/{NODE}/", f"/clusters/{SLUG}/nodes/{NODE}/?tab=vms"):
        page.goto(path)
        findings += serious_findings(page, f"{path} ({scheme})")
    page.goto(f"/clusters/{SLUG}/vms/{WEB}/reinstall")  # an action's own page
    findings += serious_findings(page, f"reinstall page ({scheme})")
    if scheme == "dark":
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(v) for v in background[4:-1].split(",")[:3])
        assert red + green + blue < 3 * 64, f"background {background} is not dark"
    assert findings == [], "\n".join(findings)


def test_the_header_and_tabs_fit_a_phone(browser: Browser, browser_context_args, pages_cluster):
    viewport = {"width": 390, "height": 844}
    context = browser.new_context(
        **{**browser_context_args, "viewport": viewport, "is_mobile": True, "has_touch": True}
    )
    page = context.new_page()
    page.goto(VM_PAGE)
    actions(page).get_by_role("button", name="More").click()
    expect(page.get_by_role("menu", name="More")).to_be_visible()
    # Nothing wider than the phone, the open menu included: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.keyboard.press("Escape")
    actions(page).get_by_role("link", name="Reboot…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()
