"""Changes to users and groups, each saved with its audit entry in one transaction:
the web's pages and the API both make them here, so both log the same codes."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.forms import USER_FIELDS, GroupForm, UserCreateForm, UserEditForm
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.provisioning.models import CreationRequest


def create_user(request: HttpRequest, form: UserCreateForm) -> User:
    """Save the valid form's new user."""
    with audit.change("user.create", request=request) as entry:
        user = form.save()
        entry.targets = [user]
        entry.message = f"Created user {user.username}"
        entry.changes = audit.changes({}, audit.snapshot(user, USER_FIELDS))
    return user


def edit_user(request: HttpRequest, form: UserEditForm, before: dict) -> bool:
    """Save the valid form's edit of its user (before: the user's snapshot when the
    form was made); False if nothing changed (and nothing is logged)."""
    with audit.change("user.edit", request=request, targets=[form.instance]) as entry:
        user = form.save()
        entry.message = f"Edited user {user.username}"
        entry.changes = changes = audit.changes(before, audit.snapshot(user, USER_FIELDS))
        if not changes:
            entry.skip()
    return bool(changes)


def user_snapshot(user: User) -> dict:
    return audit.snapshot(user, USER_FIELDS)


def group_snapshot(group: Group) -> dict:
    profile = GroupProfile.objects.filter(group=group).first()
    return {"name": group.name, "description": profile.description if profile else ""}


def create_group(request: HttpRequest, form: GroupForm) -> Group:
    with audit.change("group.create", request=request) as entry:
        group = form.save()
        entry.targets = [group]
        entry.message = f"Created group {group.name}"
        entry.changes = audit.changes({}, group_snapshot(group))
    return group


def edit_group(request: HttpRequest, form: GroupForm, before: dict) -> bool:
    """Save the valid form's edit of its group; False if nothing changed."""
    with audit.change("group.edit", request=request, targets=[form.instance]) as entry:
        group = form.save()
        entry.message = f"Edited group {group.name}"
        entry.changes = changes = audit.changes(before, group_snapshot(group))
        if not changes:
            entry.skip()
    return bool(changes)


class OwnsVirtualMachines(Exception):
    """A group that owns VMs stays: their quota and Ganeti's owner tags name it. Also
    while a creation it is to own is unfinished: the new VMs would get no owner."""


def delete_group(request: HttpRequest, group: Group) -> None:
    """Delete group (its grants, quotas and memberships go with it); OwnsVirtualMachines
    while it owns a VM."""
    with audit.change(
        "group.delete",
        request=request,
        targets=[group],
        message=f"Deleted group {group.name}",
        changes=audit.changes(group_snapshot(group), {}),
    ):
        creating = CreationRequest.objects.filter(owner_group=group, jobs__finished=False)
        owned = group.owned_vms.count() + len({*creating.values_list("pk", flat=True)})
        if owned:
            raise OwnsVirtualMachines(owned)
        group.delete()


def set_member(request: HttpRequest, group: Group, user: User, adding: bool) -> bool:
    """Add user to group (or remove them), as request.user may; False if they already
    were (or were not) a member. PermissionDenied for a group administrator adding
    themself: administering a group is not holding its permissions."""
    if adding and not rules.may_add_member(request.user, group, user):
        raise PermissionDenied(
            _(
                "You administer %(group)s, which does not make you a member: its "
                "permissions come with membership, which a superuser grants."
            )
            % {"group": group.name}
        )
    with audit.change(
        "group.member_add" if adding else "group.member_remove",
        request=request,
        targets=[group, user],
        message=f"{'Added' if adding else 'Removed'} {user.username} "
        f"{'to' if adding else 'from'} group {group.name}",
    ) as entry:
        if adding == group.user_set.filter(pk=user.pk).exists():
            entry.skip()
        elif adding:
            group.user_set.add(user)
        else:
            group.user_set.remove(user)
    return not entry.skipped


def set_admin(request: HttpRequest, group: Group, user: User, adding: bool) -> bool:
    """Make user an administrator of group (or no longer one); False if they already
    were (or were not)."""
    with audit.change(
        "group.admin_add" if adding else "group.admin_remove",
        request=request,
        targets=[group, user],
        message=f"{'Made' if adding else 'Removed'} {user.username} "
        f"{'an administrator of' if adding else 'as administrator of'} group {group.name}",
    ) as entry:
        profile = GroupProfile.of(group)
        if adding == profile.admins.filter(pk=user.pk).exists():
            entry.skip()
        elif adding:
            profile.admins.add(user)
        else:
            profile.admins.remove(user)
    return not entry.skipped
