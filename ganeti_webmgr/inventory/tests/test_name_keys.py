"""What the lists sort by (name_key) is written with every name: by the sync, and for
rows there were before it existed, by the migration that added it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.sorting import name_key
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@pytest.mark.django_db
def test_the_sync_writes_name_keys(simulator, make_cluster):
    sync.sync_cluster(make_cluster(simulator))
    for model in (VirtualMachine, Node, NodeGroup):
        rows = list(model.objects.values_list("name", "name_key"))
        assert rows and all(key == name_key(name) for name, key in rows), model


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_rows_there_are():
    executor = MigrationExecutor(connection)
    before = [("nodes", "0001_initial"), ("virtual_machines", "0005_quota_usage_indexes")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        cluster = Cluster.objects.create(slug="old", hostname="h")  # not rolled back
        apps.get_model("nodes", "Node").objects.create(cluster_id=cluster.pk, name="node10")
        apps.get_model("virtual_machines", "VirtualMachine").objects.create(
            cluster_id=cluster.pk, name="Inst7"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert VirtualMachine.objects.get(name="Inst7").name_key == "inst" + "7".zfill(20)
        assert Node.objects.get(name="node10").name_key == name_key("node10")
    finally:
        MigrationExecutor(connection).migrate(latest)
