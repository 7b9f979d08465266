import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine


class World:
    """Two clusters (one read-only), VMs, and people with various grants."""

    def __init__(self):
        self.a = Cluster.objects.create(slug="a", hostname="a.example.org")
        self.b = Cluster.objects.create(slug="b", hostname="b.example.org")
        self.ro = Cluster.objects.create(slug="ro", hostname="ro.example.org", read_only=True)
        self.a1 = VirtualMachine.objects.create(cluster=self.a, name="a1")
        self.a2 = VirtualMachine.objects.create(cluster=self.a, name="a2")
        self.b1 = VirtualMachine.objects.create(cluster=self.b, name="b1")
        self.ro1 = VirtualMachine.objects.create(cluster=self.ro, name="ro1")
        make = User.objects.create_user
        self.superuser = User.objects.create_superuser("root", password="x")
        self.plain = make("plain")
        self.power = make("power")  # power on a1
        self.vm_admin = make("vmadmin")  # admin of a1
        self.member = make("member")  # power on a2 through group "ops"
        self.cluster_admin = make("cadmin")  # admin of cluster a
        self.ro_admin = make("roadmin")  # admin of the read-only cluster
        self.migrator = make("migrator")  # migrate on cluster a
        self.inactive = make("inactive", is_active=False)  # admin of a, but inactive
        self.ops = Group.objects.create(name="ops")
        self.member.groups.add(self.ops)
        set_permissions(self.a1, self.power, ["power"])
        set_permissions(self.a1, self.vm_admin, ["admin"])
        set_permissions(self.a2, self.ops, ["power"])
        set_permissions(self.a, self.cluster_admin, ["admin"])
        set_permissions(self.ro, self.ro_admin, ["admin"])
        set_permissions(self.a, self.migrator, ["migrate"])
        set_permissions(self.a, self.inactive, ["admin"])


@pytest.fixture
def world(db):
    return World()
