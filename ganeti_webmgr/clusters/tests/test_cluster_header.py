"""The header of every cluster page: the same tabs (only those the user may open),
the current one marked, and a warning when GWM's copy of the cluster is stale."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from ganeti_webmgr import conf
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.conf.loader import Setting
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

PAGES = {
    "overview": "/clusters/c/",
    "vms": "/clusters/c/vms/",
    "nodes": "/clusters/c/nodes/",
    "jobs": "/clusters/c/jobs/",
    "permissions": "/clusters/c/permissions/",
    "templates": "/clusters/c/templates/",
    "log": "/log/cluster/c/",
    "import": "/clusters/c/import/",
    "quotas": "/clusters/c/quotas/",
}
TAB = re.compile(rb'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


@pytest.fixture
def cluster():
    cluster = Cluster.objects.create(
        slug="c", hostname="127.0.0.1", port=1, last_sync_at=timezone.now()
    )
    VirtualMachine.objects.create(cluster=cluster, name="vm1")
    Node.objects.create(cluster=cluster, name="n1")
    return cluster


def role(name: str, cluster: Cluster) -> User:
    if name == "superuser":
        return User.objects.create_superuser(name)
    user = User.objects.create_user(name)
    vm = VirtualMachine.objects.get(cluster=cluster, name="vm1")
    if name == "cluster_admin":
        set_permissions(cluster, user, ["admin"])
    elif name == "migrate":
        set_permissions(cluster, user, ["migrate"])
    elif name == "vm_power":
        set_permissions(vm, user, ["power"])
    elif name == "via_group":
        group = Group.objects.create(name="team")
        user.groups.add(group)
        set_permissions(vm, group, ["power"])
    return user


def tabs(content: bytes) -> list[tuple[str, bool]]:
    """(href, current) of each tab in the page's cluster tab bar."""
    nav = re.search(rb'<nav class="tabs" aria-label="Cluster c">(.*?)</nav>', content, re.S)
    assert nav, "no cluster tab bar"
    return [(m[1].decode(), bool(m[2])) for m in TAB.finditer(nav[1])]


ALL = list(PAGES)
EXPECTED = {
    "superuser": ALL,
    "cluster_admin": ALL,
    "migrate": ["overview", "vms", "nodes", "jobs", "log"],
    "vm_power": ["overview", "vms", "jobs", "log"],
    "via_group": ["overview", "vms", "jobs", "log"],
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_page_shows_the_same_tabs_the_user_may_open(client, cluster, name):
    client.force_login(role(name, cluster))
    shown = [PAGES[key] for key in EXPECTED[name]]
    for key in EXPECTED[name]:
        page = client.get(PAGES[key])
        assert page.status_code == 200, key
        assert tabs(page.content) == [(url, url == PAGES[key]) for url in shown], key
    for key in set(PAGES) - set(EXPECTED[name]):
        assert client.get(PAGES[key]).status_code in (403, 404), key


def test_a_read_only_clusters_admin_still_sees_permissions_and_nodes(client, cluster):
    Cluster.objects.filter(pk=cluster.pk).update(read_only=True)
    client.force_login(role("cluster_admin", cluster))
    page = client.get(PAGES["overview"])
    # Templates are for creating VMs, which a read-only cluster refuses.
    assert [url for url, _ in tabs(page.content)] == [
        PAGES[key] for key in ALL if key != "templates"
    ]
    assert b"GWM has no write access to this cluster" in page.content


def test_the_edit_page_has_the_tabs_with_none_current(admin_client, cluster):
    page = admin_client.get("/clusters/c/edit")
    assert [current for _, current in tabs(page.content)] == [False] * len(ALL)


def set_sync(cluster, **fields):
    Cluster.objects.filter(pk=cluster.pk).update(**fields)


def test_a_fresh_cluster_shows_no_warning(admin_client, cluster):
    set_sync(cluster, last_sync_at=timezone.now() - timedelta(seconds=100))  # < 2 x 60 s
    for url in PAGES.values():
        content = admin_client.get(url).content
        assert b'class="notice' not in content, url


def test_a_cluster_not_synced_for_twice_the_interval_is_stale_on_every_page(admin_client, cluster):
    last = timezone.now() - timedelta(seconds=130)
    set_sync(cluster, last_sync_at=last)
    for url in PAGES.values():
        content = admin_client.get(url).content
        assert b"This data may be out of date" in content, url
        assert timezone.localtime(last).strftime("%Y-%m-%d %H:%M:%S").encode() in content
        assert b"synced every 60 seconds" in content


def test_a_failing_sync_says_why_and_when_the_data_was_last_fresh(admin_client, cluster):
    last = timezone.now() - timedelta(seconds=10)
    set_sync(
        cluster,
        last_sync_at=last,
        consecutive_failures=3,
        last_error="cannot connect: Connection refused",
        last_error_at=timezone.now(),
    )
    for url in PAGES.values():
        content = admin_client.get(url).content
        assert b"The last 3 syncs of this cluster failed" in content, url
        assert b"cannot connect: Connection refused" in content
        assert (
            b"was last fresh at " + timezone.localtime(last).strftime("%Y-%m-%d %H:%M:%S").encode()
            in content
        )


def test_a_cluster_never_synced_says_so(admin_client, cluster):
    set_sync(cluster, last_sync_at=None, consecutive_failures=1, last_error="refused")
    content = admin_client.get(PAGES["overview"]).content
    assert b"The last sync of this cluster failed" in content
    assert b"GWM has never synced it" in content
    set_sync(cluster, consecutive_failures=0)
    assert b"Not synced yet" in admin_client.get(PAGES["overview"]).content


def test_the_interval_comes_from_the_worker_settings(admin_client, cluster, monkeypatch):
    setting = ("worker", "sync_interval")
    monkeypatch.setitem(conf.current().settings, setting, Setting(300, "test"))
    set_sync(cluster, last_sync_at=timezone.now() - timedelta(seconds=400))
    assert b"out of date" not in admin_client.get(PAGES["overview"]).content
    set_sync(cluster, last_sync_at=timezone.now() - timedelta(seconds=601))
    assert b"synced every 300 seconds" in admin_client.get(PAGES["overview"]).content


@pytest.mark.parametrize(
    "url", ["/clusters/c/", "/clusters/c/nodes/n1/", "/clusters/c/vms/vm1/"], ids=str
)
def test_recent_jobs_are_one_partial(admin_client, cluster, url):
    vm = VirtualMachine.objects.get(name="vm1")
    Job.objects.create(
        cluster=cluster,
        job_id=5,
        virtual_machine=vm,
        node=Node.objects.get(name="n1"),
        operations=["INSTANCE_STARTUP(vm1)"],
    )
    page = admin_client.get(url)
    assert "jobs/_recent.html" in [t.name for t in page.templates]
    assert b'<a href="/clusters/c/jobs/5/">5</a>' in page.content
