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
- Ownership of a VM grants nothing (it is what quotas count).
- Inactive users and anonymous visitors may do nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ganeti_webmgr.clusters.models import Cluster
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


def require(user, action: str, obj) -> None:
    """PermissionDenied (403) unless can(); use after the object was found visible."""
    if not can(user, action, obj):
        raise PermissionDenied(f"not allowed to {action} {obj}")


def visible(user, queryset: QuerySet, action: str = "view") -> QuerySet:
    """The objects of queryset that user may act on (view by default), as one query."""
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
            return queryset.filter(Q(cluster_id__in=admin_of) | _vm_grants(user, ["admin"]))
        raise ValueError(f"permissions cannot be granted on {model.__name__}")
    if model is Cluster:
        if action == "view":
            return queryset.filter(
                Q(pk__in=_clusters_with(user, CLUSTER_ACTIONS))
                | Q(
                    pk__in=VirtualMachine.objects.filter(_vm_grants(user, VM_ACTIONS)).values(
                        "cluster_id"
                    )
                )
            )
        _check_action(action, CLUSTER_ACTIONS)
        return queryset.filter(pk__in=_clusters_with(user, ["admin", action]))
    if model is VirtualMachine and action in VM_CLUSTER_ACTIONS:
        return queryset.filter(
            Q(cluster_id__in=_clusters_with(user, ["admin", action])) | _vm_grants(user, ["admin"])
        )
    if model is VirtualMachine:
        codes = VM_ACTIONS if action == "view" else _vm_codes(action)
        return queryset.filter(Q(cluster_id__in=admin_of) | _vm_grants(user, codes))
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
    try:
        obj = visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"no such {queryset.model._meta.verbose_name}") from None
    if action != "view":
        require(user, action, obj)
    return obj


# -- helpers -------------------------------------------------------------------------
def _active(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_active


def _check_action(action: str, allowed) -> None:
    if action not in allowed:
        raise ValueError(f"unknown action {action!r} (known: {', '.join(allowed)})")


def _vm_codes(action: str) -> list[str]:
    _check_action(action, VM_ACTIONS)
    return [action, "admin"]


def _clusters_with(user, codes) -> QuerySet:
    """Ids of clusters on which user holds one of the codes, directly or via a group."""
    direct = ClusterUserPermission.objects.filter(user=user, permission__codename__in=codes)
    via_group = ClusterGroupPermission.objects.filter(
        group__user=user, permission__codename__in=codes
    )
    return Cluster.objects.filter(
        Q(pk__in=direct.values("content_object_id"))
        | Q(pk__in=via_group.values("content_object_id"))
    ).values("pk")


def _vm_grants(user, codes) -> Q:
    direct = VirtualMachineUserPermission.objects.filter(user=user, permission__codename__in=codes)
    via_group = VirtualMachineGroupPermission.objects.filter(
        group__user=user, permission__codename__in=codes
    )
    return Q(pk__in=direct.values("content_object_id")) | Q(
        pk__in=via_group.values("content_object_id")
    )


def _perms(user, obj) -> set[str]:
    """The permission codenames user holds on obj (directly or via groups), cached on user."""
    cache = user.__dict__.setdefault("_gwm_perm_cache", {})
    key = (type(obj).__name__, obj.pk)
    if key not in cache:
        if isinstance(obj, Cluster):
            direct, grouped = ClusterUserPermission, ClusterGroupPermission
        else:
            direct, grouped = VirtualMachineUserPermission, VirtualMachineGroupPermission
        codes = set(
            direct.objects.filter(user=user, content_object=obj).values_list(
                "permission__codename", flat=True
            )
        )
        codes |= set(
            grouped.objects.filter(group__user=user, content_object=obj).values_list(
                "permission__codename", flat=True
            )
        )
        cache[key] = codes
    return cache[key]
