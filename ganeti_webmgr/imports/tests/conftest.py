import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@pytest.fixture
def cluster(simulator, make_cluster):
    """A cluster whose auto_import is off, synced once: 10 VMs and 3 nodes pending."""
    cluster = make_cluster(simulator, auto_import=False)
    sync.sync_cluster(cluster)
    return cluster


@pytest.fixture
def synced(simulator, make_cluster):
    """A cluster synced with auto_import on (every VM and node has a row), then turned off."""
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    cluster.auto_import = False
    cluster.save(update_fields=["auto_import"])
    return cluster


@pytest.fixture
def admin_of():
    """admin_of(cluster, name="cadmin"): a user with the admin permission on cluster."""

    def make(cluster, name="cadmin"):
        user = User.objects.create_user(name)
        set_permissions(cluster, user, ["admin"])
        return user

    return make


@pytest.fixture
def vm_holder(synced):
    """A user with power on one VM: sees the cluster, administers nothing."""
    user = User.objects.create_user("holder")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), user, ["power"])
    return user
