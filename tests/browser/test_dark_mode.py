"""The pages in dark mode (prefers-color-scheme: dark): dark indeed, and axe-core's
contrast and other serious rules still pass. A simulated cluster, no Ganeti sandbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .console_site import simulated_cluster
from .test_accessibility import serious_findings

pytestmark = pytest.mark.browser
SLUG = "dark"


@pytest.fixture(scope="module")
def dark_cluster(gwm):
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    cluster = SimCluster.generate(nodes=2, instances=6, name="dark.sim.test", seed=7)
    with RapiSimulator(cluster, wait_timeout=1.0) as sim, simulated_cluster(gwm, SLUG, sim):
        yield sorted(cluster.instances)[0], sorted(cluster.nodes)[0]


def test_pages_are_dark_and_legible_in_dark_mode(page: Page, dark_cluster):
    vm, node = dark_cluster
    page.emulate_media(color_scheme="dark")
    findings = []
    for path in [
        "/",
        "/clusters/",
        f"/clusters/{SLUG}/",
        "/vms/",
        f"/clusters/{SLUG}/vms/{vm}/",
        f"/clusters/{SLUG}/nodes/{node}/",
        "/jobs/",
        "/log/",
        "/accounts/profile/",
        "/no-such-page/",
    ]:
        page.goto(path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(v) for v in background[4:-1].split(",")[:3])
        assert red + green + blue < 3 * 64, f"{path}: background {background} is not dark"
        findings += serious_findings(page, f"{path} (dark)")
    assert findings == [], "\n".join(findings)
