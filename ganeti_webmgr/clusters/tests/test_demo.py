"""The demo cluster's rules and row (clusters.demo); the command runs in tests/commands."""

import pytest

from ganeti_webmgr.clusters import demo
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "directory", lambda: tmp_path / "demo")


def register(sim):
    return demo.register(sim.port, "gwm-secret", sim.fingerprint)


def test_make_run_starts_it_on_an_empty_site_or_beside_itself(simulator):
    assert demo.why_not_automatically() == ""
    register(simulator)
    assert demo.why_not_automatically() == ""


def test_make_run_adds_no_demo_beside_clusters_an_operator_added(simulator, make_cluster):
    make_cluster(simulator, slug="prod")
    assert demo.why_not_automatically() == "this site has clusters of its own"


def test_a_real_cluster_named_demo_is_never_taken_over(simulator, make_cluster):
    make_cluster(simulator, slug="demo")
    assert "is a real one" in demo.conflict()
    assert "is a real one" in demo.why_not_automatically()


@pytest.mark.django_db(transaction=True)  # the worker's threads commit
def test_the_worker_syncs_the_registered_demo(simulator, run_worker):
    cluster, created = register(simulator)
    assert created
    assert (cluster.simulated, cluster.auto_import, cluster.read_only) == (True, True, False)
    run_worker()
    assert VirtualMachine.objects.filter(cluster=cluster).count() == 10
    assert Cluster.objects.get(slug="demo").node_count == 3


def test_a_new_port_updates_the_row(simulator):
    first, _ = register(simulator)
    again, created = demo.register(simulator.port + 1, "new-secret", simulator.fingerprint)
    assert not created
    assert again.pk == first.pk
    row = Cluster.objects.get(slug="demo")
    assert (row.port, row.password) == (simulator.port + 1, "new-secret")


@pytest.mark.django_db(transaction=True)
def test_remove_forgets_the_demo_and_keeps_make_run_from_adding_it_again(simulator, run_worker):
    cluster, _ = register(simulator)
    run_worker()
    demo.directory().mkdir()
    (demo.directory() / "state.json").write_text("{}")
    assert demo.remove()
    assert not Cluster.objects.filter(slug="demo").exists()
    assert not VirtualMachine.objects.filter(cluster_id=cluster.pk).exists()
    assert [p.name for p in demo.directory().iterdir()] == [demo.REMOVED_MARKER]
    assert "removed" in demo.why_not_automatically()
    demo.started()  # gwm-manage demo, explicitly
    assert demo.why_not_automatically() == ""


def test_remove_leaves_a_real_cluster_named_demo_alone(simulator, make_cluster):
    make_cluster(simulator, slug="demo")
    assert not demo.remove()
    assert Cluster.objects.filter(slug="demo").exists()
