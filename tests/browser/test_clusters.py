"""A cluster added through the UI, its page and its node's page."""

from __future__ import annotations

import hashlib
import ssl

import pytest
from playwright.sync_api import Page, expect

from ganeti_webmgr.ganeti.tls import format_fingerprint

from .pages import reload_until

pytestmark = pytest.mark.browser


def presented_fingerprint(host: str, port: int) -> str:
    """SHA-256 of the certificate the RAPI daemon presents, computed here, not by GWM."""
    pem = ssl.get_server_certificate((host, port), timeout=10)
    return format_fingerprint(hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest())


def test_adding_the_cluster_pins_the_certificate_it_really_has(page: Page, cluster, sandbox_env):
    host, port = sandbox_env["GANETI_RAPI_HOST"], int(sandbox_env["GANETI_RAPI_PORT"])
    real = presented_fingerprint(host, port)
    assert cluster.shown_fingerprint == real
    # ...and it is the certificate the sandbox made (openssl's fingerprint of its file).
    assert real == sandbox_env["GANETI_RAPI_CERT_SHA256"]

    page.goto("/clusters/")
    page.get_by_role("link", name=cluster.slug, exact=True).click()
    expect(page.get_by_role("heading", name=f"Cluster {cluster.slug}")).to_be_visible()
    # gwm-worker's first sync fills in what Ganeti says about itself.
    ganeti_name = page.locator("dt:text-is('Ganeti name') + dd")
    reload_until(page, ganeti_name.get_by_text(sandbox_env["GANETI_CLUSTER_NAME"]))
    expect(page.locator("dt:text-is('Ganeti version') + dd")).to_contain_text("3.")

    tabs = page.get_by_role("tablist", name=f"Cluster {cluster.slug}")
    tabs.get_by_role("tab", name="Log").click()
    expect(page.locator("main")).to_contain_text(f"{cluster.slug} (https://")
    expect(page.locator("main")).to_contain_text("trust: ")


def test_the_node_page_shows_its_capacity_and_vms(page: Page, cluster, vms, sandbox_env):
    node = sandbox_env["GANETI_NODE_NAME"]
    page.goto(f"/clusters/{cluster.slug}/")
    page.get_by_role("link", name=node, exact=True).click()
    expect(page.get_by_role("heading", name=f"Node {node}")).to_be_visible()
    expect(page.locator("dt:text-is('Role') + dd")).to_have_text("master")
    expect(page.locator("dt:text-is('Memory') + dd")).to_contain_text("MiB free of")
    page.get_by_role("tab", name="Virtual machines").click()
    primaries = page.get_by_role("region", name="Virtual machines")
    for name in vms:
        expect(primaries.get_by_role("link", name=name, exact=True)).to_be_visible()
