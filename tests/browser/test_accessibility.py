"""axe-core's accessibility rules on every main page, as Chromium renders them.

Serious and critical findings fail the test (missing labels, contrast, names of
links and buttons, landmarks...); the minor ones are printed, not judged.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .conftest import CLUSTER
from .sandbox import vm_name

pytestmark = pytest.mark.browser

VM = vm_name(0)
PAGES = [
    "/",
    "/clusters/",
    f"/clusters/{CLUSTER}/",
    f"/clusters/{CLUSTER}/edit",
    f"/clusters/{CLUSTER}/import/",
    f"/clusters/{CLUSTER}/permissions/",
    "/vms/",
    f"/clusters/{CLUSTER}/vms/{VM}/",
    f"/clusters/{CLUSTER}/vms/{VM}/parameters",
    f"/clusters/{CLUSTER}/nodes/node1.ganeti.test/",
    f"/clusters/{CLUSTER}/create-vm",
    f"/clusters/{CLUSTER}/templates/",
    "/jobs/",
    "/log/",
    "/accounts/profile",
]
FAILING = ("serious", "critical")


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious(page: Page, vms, path):
    response = page.goto(path)
    assert response is not None and response.ok, path
    results = Axe().run(page)
    found = results.response["violations"]
    for violation in found:
        if violation["impact"] not in FAILING:
            print(f"{path}: {violation['impact']}: {violation['id']}: {violation['help']}")
    serious = [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(node["target"][0] for node in v["nodes"][:5])
        for v in found
        if v["impact"] in FAILING
    ]
    assert serious == [], "\n".join(serious)
