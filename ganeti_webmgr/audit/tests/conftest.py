import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@pytest.fixture
def cluster(db):
    return Cluster.objects.create(slug="c1", hostname="c1.example.org")


@pytest.fixture
def vm(cluster):
    return VirtualMachine.objects.create(cluster=cluster, name="vm1.example.org")


@pytest.fixture
def node(cluster):
    return Node.objects.create(cluster=cluster, name="node1.example.org")


@pytest.fixture
def group(db):
    return Group.objects.create(name="ops")


@pytest.fixture
def vm2(cluster):
    return VirtualMachine.objects.create(cluster=cluster, name="vm2.example.org")


@pytest.fixture
def login(client):
    """login(user): the test client, logged in as user, with the login's own entry gone."""
    from ganeti_webmgr.audit.models import Entry

    def log_in(user):
        client.force_login(user)
        Entry.objects.filter(action="user.login").delete()
        return client

    return log_in


def shown(response):
    """The messages of the entries a log page shows."""
    return [entry.message for entry in response.context["page"].entries]
