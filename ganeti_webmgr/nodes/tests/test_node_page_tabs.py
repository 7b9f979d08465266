"""The node page's header (name, state, actions) and tabs, and the node actions' own
pages (the header's dialog, and without JavaScript)."""

from __future__ import annotations

import re

import pytest

from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db
NODE = "/clusters/sim/nodes/node2.sim.test/"


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return cluster


def test_the_node_page_has_its_header_and_tabs(client, alice, cluster):
    client.force_login(alice)
    page = client.get(NODE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Node node2.sim.test</h1>" in text
    node = Node.objects.get(name="node2.sim.test")
    assert f'<span class="state state-online">{node.role}</span>' in text
    labels = re.findall(r'<a role="tab"[^>]*>([^<]+)</a>', text)
    assert labels == ["Overview", "Virtual machines", "Jobs", "Log"]
    assert '<div role="tabpanel" id="node-tabs-panel" aria-labelledby="node-tabs-overview"' in text
    actions = page.context["header_actions"]
    assert {link.action.name for link in actions.buttons} <= {"node.migrate", "node.evacuate"}
    assert "node.role" in {link.action.name for link in actions.more}
    assert 'href="/clusters/sim/nodes/node2.sim.test/role" data-dialog>Change role…</a>' in text


def test_the_vms_tab_is_a_table_with_state_memory_and_vcpus(client, alice, cluster):
    client.force_login(alice)
    page = client.get(NODE, {"tab": "vms"})
    text = page.content.decode()
    for column in ("Name", "Role here", "State", "Memory", "vCPUs"):
        assert f'<th scope="col">{column}</th>' in text
    vm = page.context["vms"][0]
    assert f'<span class="state state-{vm.status.lower()}">{vm.status}</span>' in text
    assert f"<td>{vm.memory} MiB</td>" in text and f"<td>{vm.vcpus}</td>" in text
    assert client.get(NODE, {"tab": "nope"}).status_code == 404


def test_a_node_action_is_a_page_and_a_dialog(client, alice, cluster):
    client.force_login(alice)
    page = client.get(NODE + "role")
    assert page.status_code == 200 and b"<html" in page.content
    assert b"Change role: node2.sim.test" in page.content
    part = client.get(NODE + "role", HTTP_HX_REQUEST="true")
    assert b"<html" not in part.content and b'id="action-dialog-title"' in part.content
    done = client.post(NODE + "tags", {"add": "rack:7"}, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == NODE + "?tab=jobs"
    assert Job.objects.get().action == "node.tags"


def test_a_migrate_holder_gets_no_role_change(client, bob, cluster):
    set_permissions(cluster, bob, ["migrate"])
    client.force_login(bob)
    page = client.get(NODE)
    actions = page.context["header_actions"]
    names = {link.action.name for link in actions.buttons + actions.more}
    assert "node.role" not in names and names <= {"node.migrate", "node.evacuate"}
    assert client.get(NODE + "role").status_code == 403
