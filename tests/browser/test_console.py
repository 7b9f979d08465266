"""The VNC console page in Chromium: noVNC through gwm-server's websocket to a real Xvnc.

A simulated cluster (no Ganeti sandbox) whose VM's console is TigerVNC's Xvnc; what
Xvnc draws must reach the page's canvas.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from playwright.sync_api import Page, expect

from ganeti_webmgr.testing.vnc import point_console_at

from .console_site import simulated_cluster
from .pages import shoot

pytestmark = pytest.mark.browser
SLUG = "consoles"
CANVAS_PIXEL = """() => {
    const canvas = document.querySelector("[data-console-screen] canvas");
    if (!canvas || canvas.width < 2) return null;
    const context = canvas.getContext("2d");
    const data = context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
    return [data[0], data[1], data[2]];
}"""


@pytest.fixture(scope="module")
def console_cluster(gwm, vnc_server):
    """The simulated cluster in the live site; its first VM's console is the Xvnc."""
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    with RapiSimulator(SimCluster.generate(nodes=3, instances=4), wait_timeout=1.0) as sim:
        name = point_console_at(sim.cluster, vnc_server)
        with simulated_cluster(gwm, SLUG, sim, vnc_server.password):
            yield name


def paint(vnc_server, colour: str) -> None:
    env = {**os.environ, "DISPLAY": f":{vnc_server.display}"}
    subprocess.run(["xsetroot", "-solid", colour], env=env, check=True, timeout=10)


def wait_for_pixel(page: Page, rgb: list[int]) -> None:
    expected = json.dumps(rgb, separators=(",", ":"))
    try:
        page.wait_for_function(
            f"() => JSON.stringify(({CANVAS_PIXEL})()) === '{expected}'", timeout=15000
        )
    except Exception:
        raise AssertionError(f"canvas pixel {page.evaluate(CANVAS_PIXEL)}, not {rgb}") from None


def test_the_vnc_console_shows_what_the_vm_draws(page: Page, console_cluster, vnc_server):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    paint(vnc_server, "#ff0000")
    page.goto(f"/clusters/{SLUG}/vms/{console_cluster}/")
    page.get_by_role("tab", name="Console").click()
    page.get_by_role("link", name="Open the graphical console (VNC)").click()
    expect(page.locator("[data-console-status]")).to_have_text("Connected", timeout=15000)
    wait_for_pixel(page, [255, 0, 0])
    paint(vnc_server, "#0000ff")  # a change on the VM's screen reaches the page
    wait_for_pixel(page, [0, 0, 255])
    paint(vnc_server, "#2e6b8f")
    wait_for_pixel(page, [0x2E, 0x6B, 0x8F])
    shoot(page, "console-vnc")

    page.get_by_role("button", name="Send Ctrl-Alt-Del").click()
    page.get_by_text("Paste text as keystrokes").click()
    page.get_by_label("Text to type into the VM").fill("echo hello\n")
    page.get_by_role("button", name="Type it").click()
    page.get_by_label("Scaling").select_option("1:1")
    page.wait_for_timeout(500)
    expect(page.locator("[data-console-status]")).to_have_text("Connected")
    expect(page.locator("[data-console-error]")).to_be_hidden()
    assert errors == []

    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Pop out").click()
    popup = popup_info.value
    expect(popup.locator("[data-console-status]")).to_have_text("Connected", timeout=15000)
    assert "popout=1" in popup.url
    expect(popup.locator(".topbar")).to_have_count(0)
    popup.close()


def test_a_wrong_vnc_password_is_named_on_the_console_page(page: Page, console_cluster, vnc_server):
    page.goto(f"/clusters/{SLUG}/")
    page.get_by_role("link", name="Console settings…").click()
    expect(page.locator("[data-vnc-password-status]")).to_have_text("set")
    page.get_by_label("New VNC password").fill("not-the-password")
    page.get_by_role("form", name="VNC password").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("VNC password set")
    try:
        page.goto(f"/clusters/{SLUG}/vms/{console_cluster}/console/")
        error = page.locator("[data-console-error]")
        expect(error).to_be_visible(timeout=15000)
        expect(error).to_contain_text("No console: the VNC server on")
        expect(page.locator("[data-console-status]")).to_have_text("Refused")
        expect(page.get_by_role("button", name="Reconnect")).to_be_visible()
        shoot(page, "console-vnc-refused")
    finally:
        page.goto(f"/clusters/{SLUG}/console")
        page.get_by_label("New VNC password").fill(vnc_server.password)
        page.get_by_role("form", name="VNC password").get_by_role("button", name="Save").click()


SERIAL_SLUG = "serial"


@pytest.fixture(scope="module")
def serial_cluster(gwm, ssh_server):
    """A simulated KVM VM with serial_console on, whose primary node's sshd is the real
    one in a network namespace; the live site holds the cluster's key."""
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    cluster = SimCluster.generate(nodes=2, instances=3, name="serial.sim.test", seed=3)
    name = sorted(cluster.instances)[0]
    with cluster.lock:
        inst = cluster.instances[name]
        cluster.meta[name].hypervisor = "kvm"
        inst["hvparams"]["serial_console"] = True
        inst["admin_state"] = "up"
        cluster._set_running(inst, True)
        node = cluster.nodes[inst["pnode"]]
        node["pip"] = ssh_server.host
        node["ndparams"]["ssh_port"] = ssh_server.port
    with (
        RapiSimulator(cluster, wait_timeout=1.0) as sim,
        simulated_cluster(gwm, SERIAL_SLUG, sim),
    ):
        shown = gwm.manage("console_settings", SERIAL_SLUG, "--generate-serial-key")
        public = next(line.strip() for line in shown.splitlines() if "ssh-ed25519 " in line)
        ssh_server.authorize(public)
        yield name


def test_the_serial_console_types_and_reads_back(page: Page, serial_cluster):
    """xterm.js to gwm-server's websocket, over SSH to the node's console command
    (the test's sshd answers each line with ECHO, and "size" with the PTY's size)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/clusters/{SERIAL_SLUG}/vms/{serial_cluster}/?tab=console")
    page.get_by_role("link", name="Open the serial console").click()
    terminal = page.locator("[data-console-screen] .xterm")
    expect(terminal).to_be_visible()
    expect(page.locator("[data-console-status]")).to_have_text("Connected", timeout=15000)
    expect(terminal).to_contain_text("COMMAND", timeout=15000)
    terminal.click()
    page.keyboard.type("hello from xterm")
    page.keyboard.press("Enter")
    expect(terminal).to_contain_text("ECHO hello from xterm", timeout=10000)
    # The window's size reaches the node's PTY: a smaller window, fewer columns.
    page.keyboard.type("size")
    page.keyboard.press("Enter")
    expect(terminal).to_contain_text("SIZE ", timeout=10000)
    before = _last_size(terminal.inner_text())
    page.set_viewport_size({"width": 700, "height": 600})
    page.wait_for_timeout(500)
    page.keyboard.type("size")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelector('[data-console-screen] .xterm').innerText"
        ".split('SIZE ').length > n",
        arg=2,
        timeout=10000,
    )
    after = _last_size(terminal.inner_text())
    assert after[1] < before[1], (before, after)
    assert errors == []


def _last_size(text: str) -> tuple[int, int]:
    rows, cols = text.rsplit("SIZE ", 1)[1].split()[:2]
    return int(rows), int(cols)
