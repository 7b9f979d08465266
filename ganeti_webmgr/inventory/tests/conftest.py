import pytest

from ganeti_webmgr.inventory import sync


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
