import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.accounts.sshkeys import parse
from ganeti_webmgr.accounts.tests import keys as samples
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def add_key(user, line, name="key"):
    key = parse(line)
    return SshKey.objects.create(user=user, name=name, key=key.line, fingerprint=key.fingerprint)


@pytest.fixture
def cast(db, alice, bob, charlie):
    """Cluster "a" with VMs a1 and a2 (cluster "b" too), and a key for each of:
    alice (superuser), bob (a1's admin), charlie (no grants), carol (cluster admin),
    dave (via a group with cluster admin), erin (a1's power only), frank (inactive
    cluster admin)."""
    a = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    Cluster.objects.create(slug="b", hostname="127.0.0.1", port=1)
    a1 = VirtualMachine.objects.create(cluster=a, name="a1")
    a2 = VirtualMachine.objects.create(cluster=a, name="a2")
    people = {"alice": alice, "bob": bob, "charlie": charlie}
    for name in ("carol", "dave", "erin", "frank"):
        people[name] = User.objects.create_user(name, password="pw")
    people["frank"].is_active = False
    people["frank"].save()
    admins = Group.objects.create(name="admins")
    admins.user_set.add(people["dave"])
    set_permissions(a, people["carol"], ["admin"])
    set_permissions(a, people["frank"], ["admin"])
    set_permissions(a, admins, ["admin"])
    set_permissions(a1, bob, ["admin"])
    set_permissions(a1, people["erin"], ["power"])
    lines = {}
    pool = [
        samples.ED25519[0],
        samples.RSA_2048[0],
        samples.ECDSA_256[0],
        samples.ECDSA_521[0],
        samples.SK_ED25519[0],
        samples.SK_ECDSA[0],
    ]
    for (name, user), line in zip(sorted(people.items()), [*pool, samples.ED25519[0]], strict=True):
        # Each key's comment is its holder's name (frank's key is alice's, renamed).
        lines[name] = add_key(user, " ".join([*line.split()[:2], name])).key
    return {"cluster": a, "a1": a1, "a2": a2, "people": people, "keys": lines}
