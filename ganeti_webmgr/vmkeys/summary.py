"""What happens to a user's keys, cluster by cluster, for their SSH keys page."""

from __future__ import annotations

from dataclasses import dataclass, field

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import visible
from ganeti_webmgr.vmkeys.models import KeyFeed, KeyParameter


@dataclass
class ClusterKeys:
    cluster: Cluster
    mappings: list[KeyParameter] = field(default_factory=list)  # if user may create VMs
    feed: bool = False


def for_user(user) -> list[ClusterKeys]:
    """The clusters user sees that do something with keys: map them into new VMs'
    OS parameters (shown where user may create VMs), or have a key feed."""
    clusters = {c.pk: ClusterKeys(c) for c in visible(user, Cluster.objects.order_by("slug"))}
    creatable = set(
        visible(user, Cluster.objects.filter(pk__in=clusters), "create_vm").values_list(
            "pk", flat=True
        )
    )
    for mapping in KeyParameter.objects.filter(cluster_id__in=creatable).order_by("os"):
        clusters[mapping.cluster_id].mappings.append(mapping)
    for cluster_id in KeyFeed.objects.filter(cluster_id__in=clusters).values_list(
        "cluster_id", flat=True
    ):
        clusters[cluster_id].feed = True
    return [c for c in clusters.values() if c.mappings or c.feed]
