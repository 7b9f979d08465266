import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine


# The import tools' tests call the plugin's clusters by shorter names.
@pytest.fixture
def cluster(waiting_cluster):
    return waiting_cluster


@pytest.fixture
def synced(imported_cluster):
    return imported_cluster


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
