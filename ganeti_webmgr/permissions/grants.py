"""Grant and revoke permissions on clusters and VMs, to users and groups."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction
from guardian.shortcuts import assign_perm, get_groups_with_perms, get_users_with_perms, remove_perm

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import CLUSTER_ACTIONS, VM_ACTIONS
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def grantable(obj) -> tuple[str, ...]:
    if isinstance(obj, Cluster):
        return CLUSTER_ACTIONS
    if isinstance(obj, VirtualMachine):
        return VM_ACTIONS
    raise TypeError(f"permissions cannot be granted on {type(obj).__name__}")


def holders(obj) -> list[tuple[User | Group, list[str]]]:
    """Everyone holding a permission on obj (superusers aside), with their codenames."""
    users = get_users_with_perms(
        obj, attach_perms=True, with_superusers=False, with_group_users=False
    )
    groups = get_groups_with_perms(obj, attach_perms=True)
    order = {code: n for n, code in enumerate(grantable(obj))}
    result = [(holder, sorted(codes, key=order.get)) for holder, codes in users.items()]
    result += [(holder, sorted(codes, key=order.get)) for holder, codes in groups.items()]
    return sorted(result, key=lambda item: (isinstance(item[0], Group), str(item[0]).lower()))


@transaction.atomic
def set_permissions(obj, holder: User | Group, codes: list[str]) -> tuple[list[str], list[str]]:
    """Make holder's permissions on obj exactly codes; returns (granted, revoked)."""
    allowed = grantable(obj)
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise ValueError(f"unknown permission(s) {', '.join(unknown)}")
    current_codes = set(current(obj, holder))
    granted = [code for code in allowed if code in codes and code not in current_codes]
    revoked = [code for code in allowed if code in current_codes and code not in codes]
    for code in granted:
        assign_perm(_full(obj, code), holder, obj)
    for code in revoked:
        remove_perm(_full(obj, code), holder, obj)
    return granted, revoked


def add_permission(obj, holder: User | Group, code: str) -> None:
    """Grant one permission on obj, keeping what holder has already."""
    if code not in grantable(obj):
        raise ValueError(f"unknown permission {code}")
    assign_perm(_full(obj, code), holder, obj)


def current(obj, holder: User | Group) -> list[str]:
    """The codenames holder holds on obj itself (not through their groups)."""
    if isinstance(holder, Group):
        return get_groups_with_perms(obj, attach_perms=True).get(holder, [])
    return get_users_with_perms(
        obj, attach_perms=True, with_superusers=False, with_group_users=False
    ).get(holder, [])


def _full(obj, code: str) -> str:
    return f"{obj._meta.app_label}.{code}"
