"""Every rule of ganeti_webmgr.permissions.rules."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, require, visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def names(queryset):
    return sorted(str(o) for o in queryset)


def test_a_superuser_may_do_everything(world):
    assert names(visible(world.superuser, VirtualMachine.objects.all())) == [
        "a1",
        "a2",
        "b1",
        "ro1",
    ]
    assert can(world.superuser, "remove", world.b1)
    assert can(world.superuser, "admin", world.b)


def test_anonymous_and_inactive_users_may_do_nothing(world):
    for nobody in (AnonymousUser(), world.inactive, None):
        assert not visible(nobody, VirtualMachine.objects.all()).exists()
        assert not can(nobody, "view", world.a1)
        assert not can(nobody, "view", world.a)


def test_a_plain_user_sees_nothing(world):
    assert not visible(world.plain, VirtualMachine.objects.all()).exists()
    assert not visible(world.plain, Cluster.objects.all()).exists()
    assert not can(world.plain, "view", world.a1)
    assert not can(world.plain, "view", world.a)


def test_any_vm_permission_shows_the_vm_and_its_cluster_only(world):
    assert names(visible(world.power, VirtualMachine.objects.all())) == ["a1"]
    assert names(visible(world.power, Cluster.objects.all())) == ["a"]
    assert can(world.power, "view", world.a) and not can(world.power, "view", world.b)


def test_a_vm_permission_allows_just_that_action(world):
    assert can(world.power, "power", world.a1)
    for action in ("modify", "remove", "tags", "admin"):
        assert not can(world.power, action, world.a1), action
    assert not can(world.power, "power", world.a2)


def test_vm_admin_may_do_everything_on_that_vm_only(world):
    for action in ("power", "modify", "remove", "tags", "admin"):
        assert can(world.vm_admin, action, world.a1)
    assert not can(world.vm_admin, "view", world.a2)
    assert not can(world.vm_admin, "admin", world.a)
    assert names(visible(world.vm_admin, VirtualMachine.objects.all(), "remove")) == ["a1"]


def test_grants_through_a_group_count(world):
    assert names(visible(world.member, VirtualMachine.objects.all())) == ["a2"]
    assert can(world.member, "power", world.a2)
    assert not can(world.member, "modify", world.a2)
    world.member.groups.remove(world.ops)
    del world.member.__dict__["_gwm_perm_cache"]
    assert not can(world.member, "power", world.a2)


def test_a_cluster_admin_may_do_everything_in_that_cluster_only(world):
    assert names(visible(world.cluster_admin, VirtualMachine.objects.all())) == ["a1", "a2"]
    for action in ("power", "modify", "remove", "tags", "admin"):
        assert can(world.cluster_admin, action, world.a2)
    assert can(world.cluster_admin, "create_vm", world.a)
    assert not can(world.cluster_admin, "view", world.b1)
    assert not can(world.cluster_admin, "view", world.b)


def test_cluster_permissions_are_separate(world):
    set_permissions(world.b, world.plain, ["create_vm", "tags"])
    assert can(world.plain, "create_vm", world.b) and can(world.plain, "tags", world.b)
    assert not can(world.plain, "migrate", world.b)
    assert not can(world.plain, "admin", world.b)
    assert can(world.plain, "view", world.b)
    assert not visible(world.plain, VirtualMachine.objects.all()).exists()  # not their VMs
    assert names(visible(world.plain, Cluster.objects.all(), "create_vm")) == ["b"]


def test_a_read_only_cluster_refuses_every_write_to_everyone(world):
    for user in (world.superuser, world.ro_admin):
        assert can(user, "view", world.ro1)
        assert not can(user, "power", world.ro1)
        assert not can(user, "create_vm", world.ro)
        assert not can(user, "export", world.ro)  # an export is a Ganeti job too
        assert can(user, "grant", world.ro) and can(user, "grant", world.ro1)
        assert "ro1" not in names(visible(user, VirtualMachine.objects.all(), "power"))
        assert "ro" not in names(visible(user, Cluster.objects.all(), "create_vm"))


def test_nodes_are_for_cluster_admins_and_migrators(world):
    node = Node.objects.create(cluster=world.a, name="node1")
    Node.objects.create(cluster=world.b, name="node2")
    assert names(visible(world.cluster_admin, Node.objects.all())) == ["node1"]
    assert names(visible(world.migrator, Node.objects.all())) == ["node1"]
    assert can(world.migrator, "migrate", node) and can(world.migrator, "evacuate", node)
    assert not can(world.migrator, "role", node) and can(world.cluster_admin, "role", node)
    assert not visible(world.power, Node.objects.all()).exists()
    assert not can(world.power, "view", node)


def test_jobs_are_seen_with_their_vm_or_by_their_requester(world):
    on_a1 = Job.objects.create(cluster=world.a, job_id=1, virtual_machine=world.a1)
    on_b1 = Job.objects.create(
        cluster=world.b, job_id=2, virtual_machine=world.b1, requested_by=world.power
    )
    Job.objects.create(cluster=world.b, job_id=3)
    assert sorted(j.job_id for j in visible(world.power, Job.objects.all())) == [1, 2]
    assert can(world.power, "view", on_a1) and can(world.power, "view", on_b1)
    assert [j.job_id for j in visible(world.cluster_admin, Job.objects.all())] == [1]


def test_get_visible_or_404_hides_existence_and_403s_what_is_seen(world):
    queryset = VirtualMachine.objects.all()
    assert get_visible_or_404(world.power, queryset, pk=world.a1.pk) == world.a1
    with pytest.raises(Http404):
        get_visible_or_404(world.power, queryset, pk=world.b1.pk)  # exists, invisible
    with pytest.raises(PermissionDenied):
        get_visible_or_404(world.power, queryset, "remove", pk=world.a1.pk)
    with pytest.raises(PermissionDenied):
        require(world.power, "modify", world.a1)


def test_unknown_actions_are_a_programming_error(world):
    with pytest.raises(ValueError, match="unknown action 'reboot'"):
        can(world.power, "reboot", world.a1)


def test_ownership_grants_nothing(world):
    world.b1.owner_user = world.plain
    world.b1.save()
    assert not can(world.plain, "view", world.b1)


def test_visible_is_one_query_whatever_the_number_of_vms_and_grants(
    world, django_assert_num_queries
):
    for n in range(30):
        vm = VirtualMachine.objects.create(cluster=world.b, name=f"more{n}")
        set_permissions(vm, world.ops if n % 2 else world.member, ["power"])
    # The user's cluster grants (read once per user object, as for a request), the VMs.
    with django_assert_num_queries(2):
        assert len(list(visible(world.member, VirtualMachine.objects.all()))) == 31
    with django_assert_num_queries(1):
        assert len(list(visible(world.member, VirtualMachine.objects.all()))) == 31


def test_grant_is_for_admins_of_the_object(world):
    assert can(world.vm_admin, "grant", world.a1) and not can(world.vm_admin, "grant", world.a)
    assert can(world.cluster_admin, "grant", world.a) and can(
        world.cluster_admin, "grant", world.a2
    )
    assert not can(world.power, "grant", world.a1)
    assert names(visible(world.vm_admin, VirtualMachine.objects.all(), "grant")) == ["a1"]
    assert names(visible(world.cluster_admin, Cluster.objects.all(), "grant")) == ["a"]


# -- GWM's own records ----------------------------------------------------------------
SITE_RULES = (
    rules.may_see_everything,
    rules.may_add_clusters,
    rules.may_read_global_log,
    rules.may_manage_users,
    rules.may_create_groups,
)


def test_only_active_superusers_manage_gwm_itself(world):
    world.inactive_root = User.objects.create_superuser("old", password="x", is_active=False)
    for rule in SITE_RULES:
        assert rule(world.superuser), rule.__name__
        for other in (world.cluster_admin, world.plain, world.inactive_root, AnonymousUser()):
            assert not rule(other), (rule.__name__, other)
    for rule in (rules.may_edit_cluster, rules.may_remove_cluster):
        assert rule(world.superuser, world.ro)  # GWM's record: read-only or not
        assert not rule(world.cluster_admin, world.a)


def test_nodes_are_seen_by_cluster_admins_and_migrators_not_through_a_vm(world):
    Node.objects.create(cluster=world.a, name="n1")
    assert rules.may_see_nodes(world.cluster_admin, world.a)
    assert rules.may_see_nodes(world.migrator, world.a)
    assert not rules.may_see_nodes(world.power, world.a)
    assert not rules.may_see_nodes(world.migrator, world.b)


def test_the_import_tools_are_for_superusers_and_admins_of_some_cluster(world):
    assert rules.may_use_import_tools(world.superuser)
    assert rules.may_use_import_tools(world.cluster_admin)
    assert rules.may_use_import_tools(world.ro_admin)  # GWM-side work: read-only too
    assert not rules.may_use_import_tools(world.migrator)
    assert not rules.may_use_import_tools(world.vm_admin)


def test_a_users_page_is_theirs_and_superusers(world):
    assert rules.may_see_user(world.plain, "plain")
    assert rules.may_see_user(world.superuser, "plain")
    assert not rules.may_see_user(world.power, "plain")
    assert not rules.may_see_user(world.inactive, "inactive")


def test_group_roles_and_what_they_allow(world):
    admin = User.objects.create_user("opsadmin")
    GroupProfile.of(world.ops).admins.add(admin)
    expected = {
        world.superuser: (rules.SUPERUSER, True, True),
        admin: (rules.ADMIN, True, False),
        world.member: (rules.MEMBER, False, False),
    }
    for user, (role, manages, edits) in expected.items():
        assert rules.group_role(user, world.ops) == role
        assert rules.may_see_group(user, world.ops)
        assert rules.may_manage_members(user, world.ops) is manages
        assert rules.may_edit_group(user, world.ops) is edits
    assert not rules.may_see_group(world.plain, world.ops)
    assert list(rules.visible_groups(world.member)) == [world.ops]
    assert not rules.visible_groups(world.plain).exists()


def test_the_clusters_showing_their_workings_are_those_of_may_see_nodes(world):
    # b and ro have no node rows (never synced): the set agrees with the rule there too.
    Node.objects.create(cluster=world.a, name="n1")
    clusters = [world.a, world.b, world.ro]
    for user in (world.superuser, world.cluster_admin, world.ro_admin, world.migrator,
                 world.power, world.member, world.plain, world.inactive):  # fmt: skip
        expected = {c.pk for c in clusters if rules.may_see_nodes(user, c)}
        assert rules.clusters_with_visible_nodes(user) == expected, user
        assert rules.clusters_showing_sync_errors(user) == {
            c.pk for c in clusters if rules.may_see_sync_errors(user, c)
        }, user
    assert rules.clusters_with_visible_nodes(world.superuser) == {c.pk for c in clusters}
    assert rules.clusters_with_visible_nodes(world.power) == set()
