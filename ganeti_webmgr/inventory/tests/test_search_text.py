"""What the VM lists' quick search looks in (search_text) is written with the row:
by the sync, on every change of what it is made of, and for rows there were before
it existed, by the migration that added it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.virtual_machines.models import VirtualMachine, search_text

FIELDS = ("name", "nic_ips", "nic_macs", "os", "tags_text")


def kept(vm) -> bool:
    return vm.search_text == search_text(*(getattr(vm, field) for field in FIELDS))


@pytest.mark.django_db
def test_the_sync_writes_it_and_a_retag_rewrites_it(simulator, make_cluster, admin_client):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    vms = list(VirtualMachine.objects.all())
    assert vms and all(kept(vm) for vm in vms)
    sim = simulator.cluster
    with sim.lock:
        inst = sim.instances["inst3.sim.test"]
        inst["tags"] = [*inst["tags"], "Frontend"]
        sim._touch(inst)
    sync.sync_cluster(cluster)
    assert kept(VirtualMachine.objects.get(name="inst3.sim.test"))
    page = admin_client.get("/vms/", {"q": "FRONTEND"})
    assert [row.name for row in page.context["page"].object_list] == ["inst3.sim.test"]


@pytest.mark.django_db
def test_a_save_of_its_columns_rewrites_it():
    cluster = Cluster.objects.create(slug="c", hostname="h")
    vm = VirtualMachine.objects.create(cluster=cluster, name="Web1", nic_ips=["10.0.0.1"])
    assert vm.search_text == 'web1\n["10.0.0.1"]\n[]\n\n'
    vm.os = "Image+Debian"
    vm.save(update_fields=["os"])
    assert kept(VirtualMachine.objects.get(pk=vm.pk))


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_rows_there_are():
    executor = MigrationExecutor(connection)
    before = [("virtual_machines", "0006_name_key")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        cluster = Cluster.objects.create(slug="old", hostname="h")  # not rolled back
        apps.get_model("virtual_machines", "VirtualMachine").objects.create(
            cluster_id=cluster.pk, name="Inst7", os="noop", nic_macs=["AA:00"], tags_text=" a "
        )
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert (
            VirtualMachine.objects.get(name="Inst7").search_text
            == 'inst7\n[]\n["aa:00"]\nnoop\n a '
        )
    finally:
        MigrationExecutor(connection).migrate(latest)
