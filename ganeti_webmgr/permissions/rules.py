"""Who may do what in GWM. Every view, list, search and API asks here.

The rules:
- Superusers may do everything, except write to a read-only cluster.
- A read-only cluster (added without write credentials) refuses every write to
  Ganeti, to everyone. Granting and revoking only write GWM's own tables: the
  "grant" action is for admins of the object, read-only cluster or not.
- Cluster permissions: admin (everything on the cluster, its nodes, its VMs and
  their jobs; may grant and revoke there), create_vm, migrate (nodes: migrate,
  evacuate), export, replace_disks, tags.
- VM permissions: admin (everything on that VM; may grant and revoke on it),
  power (start, stop, reboot, console), modify (incl. reinstall), remove, tags.
- Exporting a VM and replacing its disks take the cluster's export or
  replace_disks permission, or admin on the VM.
- Any permission on a VM lets its holder see the VM, and see the cluster it is in
  (that cluster's page, listing only what they may see).
- Nodes are seen, migrated and evacuated by cluster admins and holders of the
  cluster's migrate permission; only cluster admins change a node's role; the
  cluster's tags permission covers the tags of its nodes.
- A job is seen by whoever may see its VM, cluster admins, and its requester.
- Permissions come to a user directly or through any of their groups.
- Ownership of a VM grants nothing (it is what quotas count). Who may change a VM's
  owner (its admins) may give it only to themself or a group they are a member
  of; superusers and the cluster's admins to anyone (may_give_to).
- SSH keys: a cluster's admins set which OS parameter gets the requester's keys at
  creation and rotate the key feed's token (may_manage_ssh_keys). The feed gives
  the keys of users_who_administer(the VM or cluster): superusers, the cluster's
  admins and the VM's admins, directly or through a group; active users only.
- Inactive users and anonymous visitors may do nothing.
- GWM's own records are superusers' business: adding clusters, editing and
  removing them in GWM (Ganeti is not touched), managing users, creating, editing
  and deleting groups, naming group administrators, the global log. Nothing is
  hidden from superusers.
- Nodes of a cluster are listed for its admins and the holders of its migrate
  permission (seeing the cluster through a VM does not show them).
- The import tools: superusers and the admins of at least one cluster.
- A user's page and log: the user and superusers.
- Groups: superusers see and edit every group; a group's administrators see it,
  add and remove its members and read its log; its members see it.
- A second factor at sign-in: required of superusers and of members of the groups
  [two_factor] names, when so configured; anyone may enrol and manage their own.

Two kinds of question, asked by every view and template (templates get booleans
from their view, or from context_processors.nav for the top bar; none reads
is_superuser itself, tests/test_rules_only.py checks):
- On a cluster, node, VM or job, by permission: can(user, action, obj),
  require(), visible(user, queryset, action), get_visible_or_404().
- Everything else, GWM's own records: a may_<verb>(user[, obj]) -> bool function
  below, one per question, plus group_role() and visible_groups() for groups.
"""

from __future__ import annotations

import functools

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import In
from django.http import Http404
from django.utils.translation import gettext as _

from ganeti_webmgr import conf
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.db import Unindexed
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.models import (
    ClusterGroupPermission,
    ClusterUserPermission,
    VirtualMachineGroupPermission,
    VirtualMachineUserPermission,
)
from ganeti_webmgr.virtual_machines.models import VirtualMachine

CLUSTER_ACTIONS = ("admin", "create_vm", "migrate", "export", "replace_disks", "tags")
VM_ACTIONS = ("admin", "power", "modify", "remove", "tags")
# Actions on a VM granted on its cluster only (or by being the VM's admin).
VM_CLUSTER_ACTIONS = ("export", "replace_disks")
# Actions that do not write to Ganeti; everything else does.
NOT_GANETI_WRITES = frozenset({"view", "grant"})
NODE_ACTIONS = ("view", "migrate", "evacuate", "role", "tags")


def can(user, action: str, obj) -> bool:
    """May user do action on obj (a Cluster, Node, VirtualMachine or Job)?"""
    if not _active(user):
        return False
    cluster = obj if isinstance(obj, Cluster) else obj.cluster
    if action not in NOT_GANETI_WRITES and cluster.read_only:
        return False
    if user.is_superuser:
        return True
    cluster_perms = _perms(user, cluster)
    if "admin" in cluster_perms:
        return True
    if action == "grant":
        if not isinstance(obj, (Cluster, VirtualMachine)):
            raise ValueError(f"permissions cannot be granted on {type(obj).__name__}")
        return isinstance(obj, VirtualMachine) and "admin" in _perms(user, obj)
    if isinstance(obj, Cluster):
        if action == "view":
            return (
                bool(cluster_perms)
                or visible(user, VirtualMachine.objects.filter(cluster=obj)).exists()
            )
        _check_action(action, CLUSTER_ACTIONS)
        return action in cluster_perms
    if isinstance(obj, VirtualMachine):
        if action in VM_CLUSTER_ACTIONS:
            return action in cluster_perms or "admin" in _perms(user, obj)
        if action != "view":
            _check_action(action, VM_ACTIONS)
        vm_perms = _perms(user, obj)
        return bool(vm_perms) if action == "view" else bool({action, "admin"} & vm_perms)
    if isinstance(obj, Node):
        _check_action(action, NODE_ACTIONS)
        if action == "tags":
            return "tags" in cluster_perms
        return action != "role" and "migrate" in cluster_perms  # roles: cluster admins
    if isinstance(obj, Job):
        if action != "view":
            raise ValueError(f"jobs may only be viewed, not {action!r}")
        return obj.requested_by_id == user.pk or (
            obj.virtual_machine is not None and can(user, "view", obj.virtual_machine)
        )
    raise TypeError(f"no permission rules for {type(obj).__name__}")


def may_use_console(user, vm: VirtualMachine) -> bool:
    """A console's keystrokes can do what the power buttons do, and more."""
    return can(user, "power", vm)


def require(user, action: str, obj) -> None:
    """PermissionDenied (403) unless can(); use after the object was found visible."""
    if not can(user, action, obj):
        raise PermissionDenied(
            _("not allowed to %(action)s %(target)s") % {"action": action, "target": obj}
        )


def visible(user, queryset: QuerySet, action: str = "view", *, one: bool = False) -> QuerySet:
    """The objects of queryset that user may act on (view by default), as one query.

    one: the caller looks up one object (get_visible_or_404). Its VM grants are then
    probed for that object alone (a correlated EXISTS on the grant tables' indexes),
    where a list's filter reads all the user's grants once (a hashed IN).
    """
    model = queryset.model
    if not _active(user):
        return queryset.none()
    if action not in NOT_GANETI_WRITES:
        cluster_field = "" if model is Cluster else "cluster__"
        queryset = queryset.filter(**{f"{cluster_field}read_only": False})
    if user.is_superuser:
        return queryset
    admin_of = _clusters_with(user, ["admin"])
    if action == "grant":
        if model is Cluster:
            return queryset.filter(pk__in=admin_of)
        if model is VirtualMachine:
            return queryset.filter(_in_clusters(admin_of) | _vm_grants(user, ["admin"]))
        raise ValueError(f"permissions cannot be granted on {model.__name__}")
    if model is Cluster:
        if action == "view":
            # Some VM of the cluster granted: EXISTS stops at the first (an IN over
            # the granted VMs' clusters looks up every one of them).
            if one:
                granted_vm = _vm_grants(user, VM_ACTIONS, outer="content_object__cluster_id")
            else:
                granted_vm = Q(
                    Exists(
                        VirtualMachine.objects.filter(
                            _vm_grants(user, VM_ACTIONS), cluster_id=OuterRef("pk")
                        )
                    )
                )
            return queryset.filter(Q(pk__in=_clusters_with(user, CLUSTER_ACTIONS)) | granted_vm)
        _check_action(action, CLUSTER_ACTIONS)
        return queryset.filter(pk__in=_clusters_with(user, ["admin", action]))
    outer = "content_object_id" if one else None
    if model is VirtualMachine and action in VM_CLUSTER_ACTIONS:
        return queryset.filter(
            _in_clusters(_clusters_with(user, ["admin", action]))
            | _vm_grants(user, ["admin"], outer=outer)
        )
    if model is VirtualMachine:
        codes = VM_ACTIONS if action == "view" else _vm_codes(action)
        return queryset.filter(_in_clusters(admin_of) | _vm_grants(user, codes, outer=outer))
    if model is Node:
        _check_action(action, NODE_ACTIONS)
        return queryset.filter(cluster_id__in=_clusters_with(user, ["admin", "migrate"]))
    if model is Job:
        return queryset.filter(
            Q(cluster_id__in=admin_of)
            | Q(requested_by=user)
            | Q(virtual_machine__in=VirtualMachine.objects.filter(_vm_grants(user, VM_ACTIONS)))
        )
    raise TypeError(f"no permission rules for {model.__name__}")


def get_visible_or_404(user, queryset: QuerySet, action: str = "view", **lookup):
    """The object, if the user may see it; 404 otherwise (its existence stays private).

    With an action other than view, an object the user may see but not act on gives
    403, one they may not even see gives 404.
    """
    model = queryset.model
    # One VM's grants are read by can() in one short query, cheaper than compiling
    # and planning visible()'s filter into the lookup.
    by_can = model is VirtualMachine and _active(user) and not user.is_superuser
    try:
        obj = (queryset if by_can else visible(user, queryset, one=True)).get(**lookup)
    except model.DoesNotExist:
        obj = None
    if obj is None or (by_can and not can(user, "view", obj)):
        raise Http404(f"no such {model._meta.verbose_name}")
    if action != "view":
        require(user, action, obj)
    return obj


# -- GWM's own records ------------------------------------------------------------
def may_see_everything(user) -> bool:
    """Nothing is hidden from user (superusers): lists and logs need no filtering."""
    return _active(user) and user.is_superuser


def may_add_clusters(user) -> bool:
    return may_see_everything(user)


def may_edit_cluster(user, cluster: Cluster) -> bool:
    """Change GWM's record of the cluster (connection, quotas, description), read-only
    clusters included: nothing is written to Ganeti."""
    return may_see_everything(user)


def may_override_quota(user, cluster: Cluster) -> bool:
    """Ask for more than an owner's quota allows (audited as such)."""
    return _active(user) and (user.is_superuser or "admin" in _perms(user, cluster))


def may_set_quotas(user, cluster: Cluster) -> bool:
    """Set owners' quotas on the cluster, and see everyone's usage there."""
    return may_override_quota(user, cluster)


def may_see_quota(user, owner) -> bool:
    """An owner's usage and quotas: the user themself, a group's members and
    administrators, and superusers (cluster admins see theirs on the cluster page)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if isinstance(owner, Group):
        return group_role(user, owner) is not None
    return owner.pk == user.pk


def may_remove_cluster(user, cluster: Cluster) -> bool:
    """Forget the cluster in GWM; Ganeti is not touched."""
    return may_see_everything(user)


def may_cancel_job(user, job: Job) -> bool:
    """Whoever started it, or may act on its target; not on a read-only cluster."""
    if job.cluster.read_only:
        return False
    if job.requested_by_id == user.pk or can(user, "admin", job.cluster):
        return True
    return job.virtual_machine is not None and can(user, "power", job.virtual_machine)


def may_see_nodes(user, cluster: Cluster) -> bool:
    """Seeing a cluster through a VM does not show its nodes: its admins and holders
    of its migrate permission see them."""
    return (
        can(user, "grant", cluster) or visible(user, Node.objects.filter(cluster=cluster)).exists()
    )


def clusters_with_visible_nodes(user) -> set[int]:
    """The pks of the clusters for which may_see_nodes holds, in one query, read once
    per user object (a page asks for every row)."""
    if not _active(user):
        return set()
    held = _held(user)
    if "node_clusters" not in held:
        granted = visible(user, Cluster.objects.all(), "grant").values("pk")
        with_nodes = visible(user, Node.objects.all()).values("cluster_id")
        held["node_clusters"] = frozenset(
            Cluster.objects.filter(Q(pk__in=granted) | Q(pk__in=with_nodes)).values_list(
                "pk", flat=True
            )
        )
    return set(held["node_clusters"])


def may_see_sync_errors(user, cluster: Cluster) -> bool:
    """A cluster's workings: its RAPI address, how its certificate is trusted, and a
    sync's error (which names both, and Ganeti's own words). For those who see its
    nodes, not for holders of a VM's grants."""
    return may_see_nodes(user, cluster)


def clusters_showing_sync_errors(user) -> set[int]:
    """The pks of the clusters for which may_see_sync_errors holds, for a list."""
    return clusters_with_visible_nodes(user)


def may_use_import_tools(user) -> bool:
    """The import tools' overview: superusers (even without clusters yet) and the
    admins of at least one cluster."""
    return may_see_everything(user) or visible(user, Cluster.objects.all(), "grant").exists()


def may_read_global_log(user) -> bool:
    return may_see_everything(user)


def may_manage_users(user) -> bool:
    """List, create, edit and deactivate users, and see any user's page."""
    return may_see_everything(user)


def may_set_active(user, target: User, active: bool) -> bool:
    """Activate or deactivate target: those who manage users, never deactivating
    themselves (a site would lock out its last administrator by mistake)."""
    return may_manage_users(user) and (active or target.pk != user.pk)


def may_see_user(user, username: str) -> bool:
    """A user's page and log: themself and those who manage users. Asked before the
    lookup, so the answer says nothing about which users exist."""
    return _active(user) and (user.get_username() == username or may_manage_users(user))


def may_make_token(user, target: User) -> bool:
    """Make an API token for target: only for oneself (a token acts as its user, so an
    administrator makes one for someone else with gwm-manage token, on the server)."""
    return _active(user) and user.pk == target.pk


def may_see_tokens(user, target: User) -> bool:
    """target's API tokens (never their secrets): themself and those who manage users."""
    return _active(user) and (user.pk == target.pk or may_manage_users(user))


def may_revoke_token(user, token) -> bool:
    """Revoke an API token: its owner, and those who manage users (a leaked token is
    stopped without waiting for its owner)."""
    return may_see_tokens(user, token.user)


def may_manage_ssh_keys(user, cluster: Cluster) -> bool:
    """The cluster's SSH key settings: the OS parameter mapping, the key feed's token.
    GWM's own records, so read-only clusters too."""
    return can(user, "grant", cluster)


def users_who_administer(obj: Cluster | VirtualMachine) -> QuerySet[User]:
    """The active users who administer obj in GWM: superusers, the cluster's admins and
    (for a VM) the VM's admins, directly or through a group. As can(user, "admin", obj)
    but a read-only cluster changes nothing: this is who may log in to the machines
    (the key feed), not who may write to Ganeti."""
    cluster = obj if isinstance(obj, Cluster) else obj.cluster
    grants = [
        (
            ClusterUserPermission.objects.filter(content_object=cluster),
            ClusterGroupPermission.objects.filter(content_object=cluster),
        )
    ]
    if isinstance(obj, VirtualMachine):
        grants.append(
            (
                VirtualMachineUserPermission.objects.filter(content_object=obj),
                VirtualMachineGroupPermission.objects.filter(content_object=obj),
            )
        )
    who = Q(is_superuser=True)
    for direct, via_group in grants:
        admin_groups = via_group.filter(permission__codename="admin").values("group_id")
        who |= Q(pk__in=direct.filter(permission__codename="admin").values("user_id"))
        who |= Q(pk__in=User.objects.filter(groups__in=admin_groups).values("pk"))
    return User.objects.filter(who, is_active=True)


def may_give_to(user, vm: VirtualMachine, owner: User | Group | None) -> bool:
    """May user (who may change vm's owner) make owner its owner? Themself or a group
    they are a member of; superusers and the cluster's admins anyone; nobody always.
    A False must read as "no such owner": it may not tell which groups exist."""
    if not _active(user):
        return False
    if owner is None or can(user, "grant", vm.cluster):
        return True
    if isinstance(owner, Group):
        return user.groups.filter(pk=owner.pk).exists()
    return owner.pk == user.pk


# Groups: the strongest role user has on a group.
SUPERUSER, ADMIN, MEMBER = "superuser", "admin", "member"


def group_role(user, group: Group) -> str | None:
    """The strongest of SUPERUSER, ADMIN, MEMBER user has on group, or None; cached on
    user, as a page asks several questions about one group."""
    if not _active(user):
        return None
    cache = user.__dict__.setdefault("_gwm_group_roles", {})
    if group.pk not in cache:
        if user.is_superuser:
            cache[group.pk] = SUPERUSER
        elif GroupProfile.objects.filter(group=group, admins=user).exists():
            cache[group.pk] = ADMIN
        elif user.groups.filter(pk=group.pk).exists():
            cache[group.pk] = MEMBER
        else:
            cache[group.pk] = None
    return cache[group.pk]


def visible_groups(user) -> QuerySet[Group]:
    """The groups user may see: all for superusers, else those they administer or are in."""
    groups = Group.objects.all()
    if not _active(user):
        return groups.none()
    if user.is_superuser:
        return groups
    administered = GroupProfile.objects.filter(admins=user).values("group_id")
    member_of = Group.objects.filter(user=user).values("pk")
    return groups.filter(Q(pk__in=administered) | Q(pk__in=member_of))


def may_create_groups(user) -> bool:
    return may_see_everything(user)


def may_see_group(user, group: Group) -> bool:
    """Unseen groups do not exist for user (404)."""
    return group_role(user, group) is not None


def may_manage_members(user, group: Group) -> bool:
    """Add and remove members, and read the group's log."""
    return group_role(user, group) in (SUPERUSER, ADMIN)


def may_add_member(user, group: Group, member) -> bool:
    """Administering a group is not holding its permissions: an administrator adds
    others, never themselves (a superuser may)."""
    role = group_role(user, group)
    return role == SUPERUSER or (role == ADMIN and member.pk != user.pk)


def may_edit_group(user, group: Group) -> bool:
    """Rename and describe the group, name and remove its administrators."""
    return group_role(user, group) == SUPERUSER


def may_delete_group(user, group: Group) -> bool:
    """Delete the group (through the API): those who create groups."""
    return may_edit_group(user, group)


def must_use_two_factor(user) -> bool:
    """Whether user must sign in with a second factor ([two_factor] settings)."""
    if not _active(user):
        return False
    config = conf.current()
    if user.is_superuser and config.get("two_factor", "required_for_superusers"):
        return True
    groups = config.get("two_factor", "required_groups")
    return bool(groups) and user.groups.filter(name__in=groups).exists()


# -- helpers -------------------------------------------------------------------------
def _active(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_active


def _check_action(action: str, allowed) -> None:
    if action not in allowed:
        raise ValueError(f"unknown action {action!r} (known: {', '.join(allowed)})")


def _vm_codes(action: str) -> list[str]:
    _check_action(action, VM_ACTIONS)
    return [action, "admin"]


def _held(user) -> dict:
    """What rules read of user's grants, kept on the user object: the questions of
    one request (request.user is loaded for each) read each thing once. Code that
    changes someone's grants and asks again loads that user afresh."""
    return user.__dict__.setdefault("_gwm_perm_cache", {})


def _cluster_codes(user) -> dict[int, set[str]]:
    """Cluster pk -> the codenames user holds on it, directly or via a group."""
    return _grants_read(user)["clusters"]


def _grants_read(user) -> dict:
    """What a user's questions start from, in one query however many they ask (kept
    on the user object): their cluster grants (a user holds few), the ids of their
    groups, and codename -> the ids of the permissions of that codename (of any
    model, as a join on the codename finds them)."""
    held = _held(user)
    if "clusters" not in held:
        codes: dict[int, set[str]] = {}
        groups: list[int] = []
        permissions: dict[str, list[int]] = {}
        with connection.cursor() as cursor:
            cursor.execute(_grants_sql(connection.vendor), [user.pk, user.pk, user.pk, *VM_ACTIONS])
            for kind, pk, code in cursor.fetchall():
                if kind == "c":
                    codes.setdefault(pk, set()).add(code)
                elif kind == "g":
                    groups.append(pk)
                else:
                    permissions.setdefault(code, []).append(pk)
        held.update(clusters=codes, groups=sorted(groups), permissions=permissions)
    return held


@functools.cache
def _grants_sql(vendor: str) -> str:
    """The statement of _grants_read, written once: every API call and page of a user
    with grants runs it, and building it through the ORM (four querysets and their
    union) cost more than running it. Rows of (kind, pk, codename); the parameters
    are the user's id three times, then VM_ACTIONS."""
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    permission, members = table(Permission), table(User.groups.through)
    by_user, by_group = table(ClusterUserPermission), table(ClusterGroupPermission)
    codenames = ", ".join(["%s"] * len(VM_ACTIONS))
    # The names are the models' tables; every value is a parameter.
    parts = [
        f"SELECT 'c', g.content_object_id, p.codename FROM {by_user} g"  # noqa: S608
        f" INNER JOIN {permission} p ON p.id = g.permission_id WHERE g.user_id = %s",
        f"SELECT 'c', g.content_object_id, p.codename FROM {by_group} g"  # noqa: S608
        f" INNER JOIN {members} m ON m.group_id = g.group_id"
        f" INNER JOIN {permission} p ON p.id = g.permission_id WHERE m.user_id = %s",
        f"SELECT 'g', m.group_id, '' FROM {members} m WHERE m.user_id = %s",  # noqa: S608
        f"SELECT 'p', p.id, p.codename FROM {permission} p WHERE p.codename IN ({codenames})",  # noqa: S608
    ]
    return " UNION ALL ".join(parts)


def _clusters_with(user, codes) -> list[int]:
    """Ids of clusters on which user holds one of the codes, directly or via a group."""
    wanted = set(codes)
    return sorted(pk for pk, held in _cluster_codes(user).items() if held & wanted)


def _in_clusters(ids: list[int]) -> Q:
    """VMs of these clusters: one term of an OR with the VM grants (Unindexed: see
    there)."""
    return Q(In(Unindexed(F("cluster_id")), ids)) if ids else Q(pk__in=[])


def _vm_grants(user, codes, outer: str | None = None) -> Q:
    """VMs granted to user with one of the codes, directly or via a group: the grant
    tables alone, with the user's groups and the codes' permissions as literal ids
    (_grants_read). Joined to the groups and permissions in each subquery,
    PostgreSQL hashed that join again for every query of a page (bench/vm_list.py).

    outer: instead, a grant whose field of that name is the outer row's pk (EXISTS),
    for the lookup of one object (visible(one=True)).
    """
    _check_action_codes(codes)
    held = _grants_read(user)
    groups, permissions = held["groups"], held["permissions"]
    wanted = sorted({pk for code in codes for pk in permissions.get(code, ())})
    if not wanted:
        return Q(pk__in=[])

    def term(grants: QuerySet) -> Q:
        if outer is None:
            return Q(pk__in=grants.values("content_object_id"))
        return Q(Exists(grants.filter(**{outer: OuterRef("pk")})))

    granted = term(VirtualMachineUserPermission.objects.filter(user=user, permission_id__in=wanted))
    if groups:
        granted |= term(
            VirtualMachineGroupPermission.objects.filter(
                group_id__in=groups, permission_id__in=wanted
            )
        )
    return granted


def _check_action_codes(codes) -> None:
    for code in codes:
        _check_action(code, VM_ACTIONS)


def _perms(user, obj) -> set[str]:
    """The permission codenames user holds on obj (a Cluster or VirtualMachine),
    directly or via groups, cached on user."""
    if isinstance(obj, Cluster):
        return _cluster_codes(user).get(obj.pk, set())
    cache = _held(user)
    key = (type(obj).__name__, obj.pk)
    if key not in cache:
        groups = _grants_read(user)["groups"]
        with connection.cursor() as cursor:
            params = [obj.pk, user.pk, *([obj.pk, *groups] if groups else [])]
            cursor.execute(_vm_codes_sql(connection.vendor, len(groups)), params)
            cache[key] = {code for (code,) in cursor.fetchall()}
    return cache[key]


@functools.cache
def _vm_codes_sql(vendor: str, groups: int) -> str:
    """The statement of _perms for a VM: its grants to the user and to their groups
    (as literal ids). Parameters: the VM's id and the user's, then, with groups, the
    VM's id and the groups' ids."""
    quote = connection.ops.quote_name
    permission = quote(Permission._meta.db_table)
    direct = quote(VirtualMachineUserPermission._meta.db_table)
    grouped = quote(VirtualMachineGroupPermission._meta.db_table)
    # The names are the models' tables; every value is a parameter.
    sql = (
        f"SELECT p.codename FROM {direct} g INNER JOIN {permission} p"  # noqa: S608
        " ON p.id = g.permission_id WHERE g.content_object_id = %s AND g.user_id = %s"
    )
    if groups:
        sql += (
            f" UNION SELECT p.codename FROM {grouped} g INNER JOIN {permission} p"  # noqa: S608
            " ON p.id = g.permission_id WHERE g.content_object_id = %s"
            f" AND g.group_id IN ({', '.join(['%s'] * groups)})"
        )
    return sql
