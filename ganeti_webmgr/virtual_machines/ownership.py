"""Who owns a VM: a user or a group, kept in GWM and, as a tag, in Ganeti.

The tag (gwm:owner:user:<name> or gwm:owner:group:<name>) lets other tools, and a
GWM that imports the cluster afresh, see the owner. Ownership grants nothing; it
is what quotas count. Changing it (GWM's record and the tag together) is
ganeti_webmgr/actions/owner.py's work.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, User
from django.utils.translation import gettext as _

from ganeti_webmgr.virtual_machines.models import VirtualMachine

PREFIX = "gwm:owner:"
# Ganeti accepts tags of up to 128 characters from this set.
_TAG_SAFE = re.compile(r"[\w.+*/:@-]{1,128}")


class OwnerError(ValueError):
    pass


def owner_tag(owner: User | Group) -> str:
    if isinstance(owner, Group):
        tag = f"{PREFIX}group:{owner.name}"
    else:
        tag = f"{PREFIX}user:{owner.get_username()}"
    if not _TAG_SAFE.fullmatch(tag):
        raise OwnerError(
            _(
                "%(tag)r cannot be a Ganeti tag: names may use letters, digits and "
                ". + * / : @ - _ only, and the tag at most 128 characters"
            )
            % {"tag": tag}
        )
    return tag


def no_such_owner(text: str) -> str:
    """The one answer for an owner that does not exist and one the user may not give a VM
    to: the owner field does not tell which users and groups exist."""
    return _(
        "Owner: no such user or group you may give it to: %(text)r "
        "(write user:NAME, group:NAME or nobody)."
    ) % {"text": text.strip()}


def owner_label(owner: User | Group) -> str:
    """As owner fields take it: 'user:NAME' or 'group:NAME'."""
    if isinstance(owner, Group):
        return f"group:{owner.name}"
    return f"user:{owner.get_username()}"


def parse_owner(text: str) -> tuple[User | Group | None, str]:
    """'user:NAME', 'group:NAME' or 'nobody' (what owner forms take) -> (owner, error)."""
    if text.strip() == "nobody":
        return None, ""
    kind, _sep, name = text.strip().partition(":")
    if kind == "user" and (user := User.objects.filter(username=name, is_active=True).first()):
        return user, ""
    if kind == "group" and (group := Group.objects.filter(name=name).first()):
        return group, ""
    return None, no_such_owner(text)


def owner_from_tags(tags: list[str]) -> User | Group | None:
    """The user or group a gwm:owner tag names, if it exists in GWM."""
    for tag in tags:
        if not tag.startswith(PREFIX):
            continue
        kind, _sep, name = tag[len(PREFIX) :].partition(":")
        if kind == "user":
            return User.objects.filter(username=name).first()
        if kind == "group":
            return Group.objects.filter(name=name).first()
    return None


def adopt_owners_from_tags(cluster) -> int:
    """Give VMs without an owner the one their Ganeti tag names (after an import).

    GWM's own record wins once set: the tag is only read for VMs that have none.
    Returns how many VMs got one; the caller recomputes the holdings then (the sync
    recomputes every owner of the cluster after its writes).
    """
    orphans = VirtualMachine.objects.filter(
        cluster=cluster, owner_user=None, owner_group=None, tags_text__contains=f" {PREFIX}"
    )
    adopted = 0
    for vm in orphans:
        owner = owner_from_tags(vm.tags)
        if owner is not None:
            VirtualMachine.objects.filter(pk=vm.pk).update(
                owner_user=owner if isinstance(owner, User) else None,
                owner_group=owner if isinstance(owner, Group) else None,
            )
            adopted += 1
    return adopted
