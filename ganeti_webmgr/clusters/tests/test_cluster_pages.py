"""Cluster list, cluster page, refresh, redistribute and remove."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    make_cluster(simulator, "hidden")
    return cluster


@pytest.fixture
def vm_user(cluster):
    user = User.objects.create_user("vmuser")
    set_permissions(
        VirtualMachine.objects.get(cluster=cluster, name="inst1.sim.test"), user, ["power"]
    )
    return user


@pytest.fixture
def cluster_admin(cluster):
    user = User.objects.create_user("cadmin")
    set_permissions(cluster, user, ["admin"])
    return user


def test_the_list_shows_visible_clusters_only(client, vm_user):
    client.force_login(vm_user)
    response = client.get("/clusters/")
    assert [c.slug for c in response.context["clusters"]] == ["sim"]


def row_counts(page, slug: str):
    cluster = next(c for c in page.context["clusters"] if c.slug == slug)
    return cluster.counts.vms, cluster.counts.nodes, cluster.counts.waiting


def test_the_list_counts_only_what_the_user_may_see(client, vm_user, cluster_admin):
    client.force_login(vm_user)
    assert row_counts(client.get("/clusters/"), "sim") == (1, 0, None)
    client.force_login(cluster_admin)
    assert row_counts(client.get("/clusters/"), "sim") == (10, 3, 0)


def test_vms_waiting_for_import_are_counted_apart_for_their_importers(
    client, simulator, waiting_cluster, admin_user
):
    user = User.objects.create_user("watcher")
    set_permissions(waiting_cluster, user, ["create_vm"])
    client.force_login(user)
    page = client.get("/clusters/")
    assert row_counts(page, "sim") == (0, 0, None)
    assert b"waiting for import" not in page.content
    client.force_login(admin_user)
    page = client.get("/clusters/")
    assert row_counts(page, "sim") == (0, 0, 10)
    assert b'(+10 <a href="/clusters/sim/import/vms/new">waiting for import</a>)' in (page.content)


def test_a_vm_user_sees_the_cluster_but_not_its_nodes_or_admin_actions(client, vm_user):
    client.force_login(vm_user)
    page = client.get("/clusters/sim/")
    assert page.status_code == 200
    assert page.context["vm_count"] == 1
    assert list(page.context["nodes"]) == []
    assert b"Refresh now" not in page.content
    assert client.get("/clusters/hidden/").status_code == 404


def test_a_cluster_admin_sees_nodes_and_actions(client, cluster_admin):
    client.force_login(cluster_admin)
    page = client.get("/clusters/sim/")
    assert len(page.context["nodes"]) == 3 and page.context["vm_count"] == 10
    assert b"Refresh now" in page.content and b"Redistribute configuration" in page.content
    assert b"Remove from GWM" not in page.content  # superusers only


def test_refresh_asks_for_a_sync(client, cluster_admin, cluster):
    Cluster.objects.filter(pk=cluster.pk).update(
        next_sync_at=timezone.now() + timezone.timedelta(hours=1)
    )
    client.force_login(cluster_admin)
    client.post("/clusters/sim/refresh")
    assert Cluster.objects.get(pk=cluster.pk).next_sync_at <= timezone.now()
    assert Entry.objects.filter(action="cluster.sync", actor=cluster_admin).exists()


def test_refresh_is_for_admins(client, vm_user):
    client.force_login(vm_user)
    assert client.post("/clusters/sim/refresh").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_redistribute_is_confirmed_then_requested(client, cluster_admin, simulator, run_worker):
    client.force_login(cluster_admin)
    asked = client.post("/clusters/sim/action/redistribute")
    assert b"Ganeti copies the configuration of sim to every node again" in asked.content
    assert b'name="confirmed" value="yes"' in asked.content
    assert not Job.objects.exists()
    response = client.post("/clusters/sim/action/redistribute", {"confirmed": "yes"}, follow=True)
    assert b"Requested: redistribute the configuration of sim" in response.content
    assert Job.objects.get().requested_by == cluster_admin
    run_worker()
    assert any(r.path == "/2/redistribute-config" for r in simulator.requests)


@pytest.mark.django_db(transaction=True)
def test_cluster_tags(client, cluster_admin, simulator, run_worker):
    client.force_login(cluster_admin)
    response = client.post("/clusters/sim/action/tags", {"add": "site:ams"}, follow=True)
    assert b"Requested: add tag(s) site:ams to sim" in response.content
    run_worker()
    assert "site:ams" in simulator.cluster.cluster_tags()
    assert "site:ams" in Cluster.objects.get(slug="sim").tags  # synced after the job


def test_cluster_actions_need_permission(client, simulator, cluster):
    user = User.objects.create_user("viewer")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), user, ["power"])
    client.force_login(user)
    assert client.post("/clusters/sim/action/redistribute").status_code == 403
    assert client.post("/clusters/sim/action/tags", {"add": "x"}).status_code == 403
    assert client.post("/clusters/sim/action/nonsense").status_code == 404
    assert not Job.objects.exists()


def test_remove_is_for_superusers_and_needs_the_name(client, cluster_admin, cluster):
    client.force_login(cluster_admin)
    assert client.get("/clusters/sim/delete").status_code == 403
    client.force_login(User.objects.create_superuser("root", password="pw"))
    client.post("/clusters/sim/delete", {"confirm_name": "wrong"})
    assert Cluster.objects.filter(slug="sim").exists()
    response = client.post("/clusters/sim/delete", {"confirm_name": "sim"}, follow=True)
    assert b"sim was removed from GWM; Ganeti was not touched." in response.content
    assert not Cluster.objects.filter(slug="sim").exists()
    assert not VirtualMachine.objects.filter(cluster_id=cluster.pk).exists()
    assert Entry.objects.filter(action="cluster.remove").exists()


@pytest.mark.django_db(transaction=True)
def test_a_removal_whose_entry_fails_keeps_the_cluster(client, cluster, monkeypatch):
    from django.db import DatabaseError

    from ganeti_webmgr.audit.models import Target

    def broken(*args, **kwargs):
        raise DatabaseError("the log's table is gone")

    client.force_login(User.objects.create_superuser("root", password="pw"))
    monkeypatch.setattr(Target.objects, "bulk_create", broken)  # after the login's entry
    client.raise_request_exception = False
    response = client.post("/clusters/sim/delete", {"confirm_name": "sim"})
    assert response.status_code == 500
    assert Cluster.objects.filter(slug="sim").exists()
    assert VirtualMachine.objects.filter(cluster_id=cluster.pk).exists()
    assert not Entry.objects.filter(action="cluster.remove").exists()


def test_removing_a_cluster_closes_its_client(client, cluster, monkeypatch):
    from ganeti_webmgr.clusters import views

    forgotten = []
    monkeypatch.setattr(views, "forget", forgotten.append)
    client.force_login(User.objects.create_superuser("root", password="pw"))
    client.post("/clusters/sim/delete", {"confirm_name": "sim"})
    assert forgotten == [cluster.pk]


def test_pages_need_login(client, cluster):
    for url in ("/clusters/", "/clusters/sim/"):
        assert client.get(url).status_code == 302


def failing(cluster):
    Cluster.objects.filter(pk=cluster.pk).update(
        consecutive_failures=3,
        last_error="connection failed: https://127.0.0.1:5080 refused",
        last_error_at=timezone.now(),
    )


def test_a_vm_user_sees_that_syncs_fail_but_not_the_cluster_workings(client, vm_user, cluster):
    failing(cluster)
    client.force_login(vm_user)
    for path in ("/clusters/sim/", "/clusters/sim/vms/inst1.sim.test/", "/clusters/"):
        page = client.get(path).content.decode()
        assert "syncs of this cluster failed" in page or "failing" in page, path
        assert "127.0.0.1" not in page, path
    overview = client.get("/clusters/sim/").content.decode()
    assert "<dt>Address</dt>" not in overview and "<dt>Certificate</dt>" not in overview


def test_a_cluster_admin_reads_why_syncs_fail_on_the_vm_page_too(client, cluster_admin, cluster):
    failing(cluster)
    client.force_login(cluster_admin)
    page = client.get("/clusters/sim/vms/inst1.sim.test/").content.decode()
    assert "The last 3 syncs of this cluster failed" in page
    assert "connection failed: https://127.0.0.1:5080 refused" in page
    overview = client.get("/clusters/sim/").content.decode()
    assert "<dt>Address</dt>" in overview
    assert (
        "connection failed: https://127.0.0.1:5080 refused"
        in client.get("/clusters/").content.decode()
    )
