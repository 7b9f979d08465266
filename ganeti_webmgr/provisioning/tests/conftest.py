import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.permissions.grants import set_permissions


@pytest.fixture
def cluster(synced_cluster):
    return synced_cluster


@pytest.fixture
def creator(cluster):
    """May create VMs on the cluster, nothing else."""
    user = User.objects.create_user("creator", password="pw")
    set_permissions(cluster, user, ["create_vm"])
    return user
