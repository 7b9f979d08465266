"""axe-core's accessibility rules on every main page, as Chromium renders them.

The pages an action's POST answers with (a confirmation, a form refused with its
errors) too. Serious and critical findings fail the test (missing labels, contrast, names of
links and buttons, landmarks...); the minor ones are printed, not judged.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import CLUSTER
from .sandbox import vm_name

pytestmark = pytest.mark.browser

VM = vm_name(0)
STOPPED = vm_name(9)
NODE = "node1.ganeti.test"
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
    f"/clusters/{CLUSTER}/vms/{VM}/?tab=jobs",
    f"/clusters/{CLUSTER}/vms/{VM}/tags",  # an action's own page
    f"/clusters/{CLUSTER}/nodes/{NODE}/",
    f"/clusters/{CLUSTER}/create-vm",
    f"/clusters/{CLUSTER}/templates/",
    "/jobs/",
    "/log/",
    "/accounts/users/",
    "/accounts/groups/",
    "/accounts/profile",
    f"/search/?q={VM.split('.')[0][:-1]}",
]
FAILING = ("serious", "critical")


def serious_findings(page: Page, where: str) -> list[str]:
    """axe-core's serious and critical findings on what page shows; the others printed."""
    found = Axe().run(page).response["violations"]
    for violation in found:
        if violation["impact"] not in FAILING:
            print(f"{where}: {violation['impact']}: {violation['id']}: {violation['help']}")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(node["target"][0] for node in v["nodes"][:5])
        for v in found
        if v["impact"] in FAILING
    ]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious(page: Page, vms, path):
    response = page.goto(path)
    assert response is not None and response.ok, path
    serious = serious_findings(page, path)
    assert serious == [], "\n".join(serious)


def test_axe_finds_nothing_serious_in_a_confirmation_or_a_refused_form(page: Page, vms):
    """The pages an action's POST answers with: what it will do, or the form's errors.
    Nothing is asked of Ganeti: the confirmation is left by Cancel."""
    page.goto(f"/clusters/{CLUSTER}/nodes/{NODE}/")
    page.get_by_role("group", name="Actions").get_by_role("link", name="Evacuate…").click()
    evacuate = page.get_by_role("dialog", name=f"Evacuate: {NODE}")
    evacuate.get_by_label("Move").select_option(label="primary VMs")
    evacuate.get_by_role("button", name="Evacuate").click()
    expect(evacuate.get_by_role("button", name="Yes, evacuate")).to_be_visible()
    serious = serious_findings(page, "evacuation confirmation")
    evacuate.get_by_role("link", name="Cancel").click()
    expect(evacuate).to_be_hidden()

    # The same without the dialog: the action's own page, and its confirmation page.
    page.goto(f"/clusters/{CLUSTER}/nodes/{NODE}/evacuate")
    page.get_by_label("Move").select_option(label="primary VMs")
    page.get_by_role("button", name="Evacuate").click()
    expect(page.get_by_role("heading", name=f"Evacuate: {NODE}?", level=1)).to_be_visible()
    serious += serious_findings(page, "evacuation confirmation page")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name=f"Node {NODE}")).to_be_visible()

    page.goto(f"/clusters/{CLUSTER}/vms/{STOPPED}/")
    page.get_by_role("group", name="Actions").get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name="Rename…").click()
    rename = page.get_by_role("dialog", name=f"Rename: {STOPPED}")
    rename.get_by_label("New name:", exact=True).fill("not a host name")
    rename.get_by_role("button", name="Rename").click()
    expect(rename.get_by_role("alert")).to_be_visible()
    serious += serious_findings(page, "refused rename")
    rename.get_by_role("link", name="Cancel").click()
    assert serious == [], "\n".join(serious)


# A group with a member and an administrator, and an SSH key: their Remove buttons.
SEED_REMOVE_BUTTONS = """
from django.contrib.auth.models import Group, User
from ganeti_webmgr.accounts.models import GroupProfile, SshKey
admin = User.objects.get(username="admin")
group, _ = Group.objects.get_or_create(name="axe-group")
group.user_set.add(admin)
GroupProfile.objects.get_or_create(group=group)[0].admins.add(admin)
key = {"key": KEY, "fingerprint": "SHA256:axe"}
SshKey.objects.get_or_create(user=admin, name="axe", defaults=key)
"""
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvBq2qzk5n0Y2aYq1d9n1p8Qm3bYQj3e1kTzKx2L0Zs axe@test"


def test_axe_finds_nothing_serious_on_the_pages_with_remove_buttons(page: Page, gwm):
    gwm.manage("shell", "-c", f"KEY = {KEY!r}\n{SEED_REMOVE_BUTTONS}")
    for path, name in [
        ("/accounts/groups/axe-group/", "Remove admin from axe-group"),
        ("/accounts/groups/axe-group/", "Remove admin as administrator"),
        ("/accounts/profile/keys/", "Remove key axe"),
    ]:
        page.goto(path)
        expect(page.get_by_role("button", name=name)).to_be_visible()
        serious = serious_findings(page, path)
        assert serious == [], "\n".join(serious)
