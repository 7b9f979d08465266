"""The key feed's content: authorized_keys lines of the users who administer a machine."""

from __future__ import annotations

from django.db import transaction

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import users_who_administer
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.vmkeys.models import KeyFeed


def authorized_keys(obj: Cluster | VirtualMachine) -> str:
    """One line per key, by user name, each user's oldest key first; "" when none."""
    keys = (
        SshKey.objects.filter(user__in=users_who_administer(obj).values("pk"))
        .order_by("user__username", "created_at", "pk")
        .values_list("key", flat=True)
    )
    return "".join(f"{line}\n" for line in keys)


def rotate_token(cluster: Cluster, *, request=None) -> str:
    """A new feed token for cluster (the old one stops working); returns it, once."""
    with transaction.atomic():
        key = KeyFeed.objects.select_for_update().filter(cluster=cluster).first()
        key = key or KeyFeed(cluster=cluster)
        token = key.new_token()
        with audit.change(
            "cluster.ssh_keys",
            request=request,
            targets=[cluster],
            message=f"{cluster.slug}: new key feed token (the old one no longer works)",
        ):
            key.save()
    return token
