"""Who may see and manage which users and groups (the permission layer covers clusters
and VMs; users and groups are simpler and live here).

- Superusers: every user and group.
- Group administrators (GroupProfile.admins): see their groups, add and remove members.
- Members: see the groups they belong to.
- Everyone: their own user and profile.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from ganeti_webmgr.accounts.models import GroupProfile

SUPERUSER, ADMIN, MEMBER = "superuser", "admin", "member"


def group_role(user, group: Group) -> str | None:
    """The strongest of SUPERUSER, ADMIN, MEMBER user has on group, or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        return SUPERUSER
    if GroupProfile.objects.filter(group=group, admins=user).exists():
        return ADMIN
    if user.groups.filter(pk=group.pk).exists():
        return MEMBER
    return None


def visible_groups(user) -> QuerySet[Group]:
    """The groups user may see: all for superusers, else those they administer or are in."""
    groups = Group.objects.all()
    if not (user.is_authenticated and user.is_active):
        return groups.none()
    if user.is_superuser:
        return groups
    administered = GroupProfile.objects.filter(admins=user).values("group_id")
    member_of = Group.objects.filter(user=user).values("pk")
    return groups.filter(Q(pk__in=administered) | Q(pk__in=member_of))
