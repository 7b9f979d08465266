"""The key feed's content: authorized_keys lines of the users who administer a machine."""

from __future__ import annotations

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import users_who_administer
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def authorized_keys(obj: Cluster | VirtualMachine) -> str:
    """One line per key, by user name, each user's oldest key first; "" when none."""
    keys = (
        SshKey.objects.filter(user__in=users_who_administer(obj).values("pk"))
        .order_by("user__username", "created_at", "pk")
        .values_list("key", flat=True)
    )
    return "".join(f"{line}\n" for line in keys)
