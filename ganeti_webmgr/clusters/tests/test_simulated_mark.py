"""The demo cluster is named "demo (simulated)" on every page that names it; a real one never is."""

import pytest
from django.urls import reverse

from ganeti_webmgr.audit import record
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job

MARK = "(simulated)"
VM, NODE = "inst1.sim.test", "node1.sim.test"


@pytest.fixture
def clusters(simulator, make_cluster, alice):
    """The simulator twice: as the demo and as a cluster that passes for a real one."""
    found = {}
    for slug, simulated in (("demo", True), ("real", False)):
        cluster = make_cluster(simulator, slug=slug, simulated=simulated)
        sync.sync_cluster(cluster)
        Job.objects.create(cluster=cluster, job_id=7, status=Job.Status.SUCCESS)
        record("cluster.sync", actor=alice, targets=[cluster])
        found[slug] = cluster
    return found


PAGES = {
    "cluster list": lambda slug: reverse("cluster-list"),
    "cluster page": lambda slug: reverse("cluster-detail", args=[slug]),
    "dashboard": lambda slug: reverse("home"),
    "VM list": lambda slug: reverse("vm-list"),
    "VM page": lambda slug: reverse("vm-detail", args=[slug, VM]),
    "node page": lambda slug: reverse("node-detail", args=[slug, NODE]),
    "job page": lambda slug: reverse("job-detail", args=[slug, 7]),
    "cluster log": lambda slug: reverse("audit-log-cluster", args=[slug]),
    "log": lambda slug: reverse("audit-log"),
}


@pytest.mark.parametrize("page", PAGES)
def test_it_marks_the_demo_and_not_a_real_cluster(client, alice, clusters, page):
    client.force_login(alice)
    demo = client.get(PAGES[page]("demo")).content.decode()
    real = client.get(PAGES[page]("real")).content.decode()
    assert "demo (simulated)" in demo
    assert "real (simulated)" not in real
    if page not in ("cluster list", "dashboard", "VM list", "log"):  # pages of one cluster
        assert MARK not in real


def test_the_title_of_a_demo_page_says_simulated(client, alice, clusters):
    client.force_login(alice)
    page = client.get(reverse("cluster-detail", args=["demo"])).content.decode()
    assert "<title>demo (simulated) · Ganeti Web Manager</title>" in page


def test_the_log_keeps_the_mark_after_the_demo_is_gone(client, alice, clusters):
    clusters["demo"].delete()
    client.force_login(alice)
    assert "demo (simulated)" in client.get(reverse("audit-log")).content.decode()


def test_the_display_name_is_the_slug_of_a_real_cluster(clusters):
    assert str(clusters["real"]) == clusters["real"].display_name == "real"
    assert str(clusters["demo"]) == "demo (simulated)"
