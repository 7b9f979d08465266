"""After each sync: the 0.11 owners and grants of the VMs it brought in."""

from __future__ import annotations

from django.dispatch import receiver

from ganeti_webmgr.gwm011 import claims
from ganeti_webmgr.inventory.signals import cluster_synced


@receiver(cluster_synced, dispatch_uid="gwm011-claims")
def apply_claims(sender, cluster, **kwargs) -> None:
    claims.apply_waiting(cluster)
