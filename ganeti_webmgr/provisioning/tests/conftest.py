import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions.grants import set_permissions


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return Cluster.objects.get(pk=cluster.pk)


@pytest.fixture
def creator(cluster):
    """May create VMs on the cluster, nothing else."""
    user = User.objects.create_user("creator", password="pw")
    set_permissions(cluster, user, ["create_vm"])
    return user
