"""Whom a VM may be given to: oneself or one's groups; superusers and cluster admins anyone.

A group one may not give it to is answered as one that does not exist.
"""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.permissions.rules import may_give_to
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
VM = "/clusters/sim/vms/inst2.sim.test/"


@pytest.fixture
def vm(synced_cluster):
    return VirtualMachine.objects.get(name="inst2.sim.test")


@pytest.fixture
def vm_admin(vm):
    user = User.objects.create_user("vmadmin")
    set_permissions(vm, user, ["admin"])
    Group.objects.create(name="mine").user_set.add(user)
    return user


@pytest.fixture
def others(db):
    return User.objects.create_user("carol"), Group.objects.create(name="secret-team")


def give(client, owner):
    response = client.post(VM + "owner", {"owner": owner}, follow=True)
    return [str(m) for m in response.context["messages"]]


def test_a_vm_admin_gives_it_to_themself_or_their_group(client, vm, vm_admin):
    client.force_login(vm_admin)
    assert give(client, "group:mine") == ["inst2.sim.test now belongs to mine."]
    assert VirtualMachine.objects.get(pk=vm.pk).owner == Group.objects.get(name="mine")
    assert give(client, "user:vmadmin") == ["inst2.sim.test now belongs to vmadmin."]
    assert give(client, "nobody") == ["inst2.sim.test now belongs to nobody."]


def test_a_vm_admin_may_not_give_it_to_others(client, vm, vm_admin, others):
    client.force_login(vm_admin)
    assert give(client, "user:carol") == [
        "Owner: no such user or group you may give it to: 'user:carol' "
        "(write user:NAME, group:NAME or nobody)."
    ]
    assert VirtualMachine.objects.get(pk=vm.pk).owner is None


def test_a_group_one_is_not_in_is_answered_as_a_made_up_one(client, vm, vm_admin, others):
    client.force_login(vm_admin)
    secret = give(client, "group:secret-team")
    made_up = give(client, "group:made-up-team")
    assert secret == [
        "Owner: no such user or group you may give it to: 'group:secret-team' "
        "(write user:NAME, group:NAME or nobody)."
    ]
    assert [m.replace("made-up-team", "secret-team") for m in made_up] == secret
    assert VirtualMachine.objects.get(pk=vm.pk).owner is None


@pytest.mark.parametrize("role", ["superuser", "cluster_admin"])
def test_superusers_and_cluster_admins_give_it_to_anyone(client, vm, others, alice, role):
    user = alice
    if role == "cluster_admin":
        user = User.objects.create_user("clusteradmin")
        set_permissions(vm.cluster, user, ["admin"])
    client.force_login(user)
    assert give(client, "group:secret-team") == ["inst2.sim.test now belongs to secret-team."]
    assert give(client, "user:carol") == ["inst2.sim.test now belongs to carol."]


def test_the_rule(vm, vm_admin, others, alice, charlie):
    carol, secret = others
    mine = Group.objects.get(name="mine")
    assert may_give_to(vm_admin, vm, vm_admin) and may_give_to(vm_admin, vm, mine)
    assert may_give_to(vm_admin, vm, None)
    assert not may_give_to(vm_admin, vm, carol) and not may_give_to(vm_admin, vm, secret)
    assert may_give_to(alice, vm, secret) and may_give_to(alice, vm, carol)
    vm_admin.is_active = False
    assert not may_give_to(vm_admin, vm, vm_admin)
