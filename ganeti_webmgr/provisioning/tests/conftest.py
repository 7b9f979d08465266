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


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": "4",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "4",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def wizard_data():
    """wizard_data(**fields, disks=[...], nics=[...]): a valid POST of the wizard."""

    def make(disks=(), nics=({},), **fields):
        data = {
            "owner": "user:creator",
            "name": "new1.sim.test",
            "count": "1",
            "first_number": "1",
            "hypervisor": "fake",
            "os": "noop+default",
            "disk_template": "diskless",
            "memory": "512M",
            "minmem": "",
            "vcpus": "1",
            "nic_count": str(len(nics)),
            "pnode": "node1.sim.test",
            "snode": "",
            "start": "on",
        }
        data.update(formset("disk", [{"size": size} for size in disks]))
        data.update(formset("nic", list(nics)))
        data.update({k: v for k, v in fields.items() if v is not None})
        for key in [k for k, v in fields.items() if v is None]:
            data.pop(key, None)
        return data

    return make
