"""The VM list's rows: what a row shows, read as plain values and its links made
once per list (core.row_links). Model instances with their cluster, nodes and
owner were five objects a row, and the row's {% url %} tags a reverse() each:
most of a page's time at 100 or 250 rows (bench/vm_list.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.row_links import row_link
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# What a row reads, in the order of Row's fields after its links.
FIELDS = (
    "pk",
    "name",
    "status",
    "missing",
    "memory",
    "vcpus",
    "disk_size",
    "disk_count",
    "os",
    "nic_ips",
    "tags",
    "cluster_id",
    "cluster__slug",
    "cluster__simulated",
    "primary_node__name",
    "secondary_node__name",
    "owner_user__username",
    "owner_group__name",
)


@dataclass(slots=True)
class Row:
    pk: int
    name: str
    url: str
    status: str
    missing: bool
    memory: int | None
    vcpus: int | None
    disk_size: int
    disk_count: int
    os: str
    ips: str  # the addresses, ", "-separated
    tags: str  # space-separated
    cluster: str  # as shown (Cluster.display_name)
    cluster_url: str
    node: str  # the primary node's name, or ""
    node_url: str  # "" unless the user may see the cluster's nodes
    secondary: str
    owner: str  # the owning user's or group's name, or ""


def rows(ids: Iterable[int], node_clusters: set[int]) -> list[Row]:
    """The rows of these VMs (in no particular order); node links in node_clusters."""
    vm_links, node_links, clusters = {}, {}, {}
    found = []
    for (
        pk,
        name,
        status,
        missing,
        memory,
        vcpus,
        disk_size,
        disk_count,
        os,
        ips,
        tags,
        cluster_id,
        slug,
        simulated,
        node,
        secondary,
        user,
        group,
    ) in VirtualMachine.objects.filter(pk__in=list(ids)).order_by().values_list(*FIELDS):
        if slug not in vm_links:
            vm_links[slug] = row_link("vm-detail", slug)
            node_links[slug] = row_link("node-detail", slug)
            shown = Cluster(slug=slug, simulated=simulated).display_name
            clusters[slug] = (shown, reverse("cluster-detail", args=[slug]))
        found.append(
            Row(
                pk=pk,
                name=name,
                url=vm_links[slug](name),
                status=status,
                missing=missing,
                memory=memory,
                vcpus=vcpus,
                disk_size=disk_size,
                disk_count=disk_count,
                os=os,
                ips=", ".join(map(str, ips or ())),
                tags=" ".join(map(str, tags or ())),
                cluster=clusters[slug][0],
                cluster_url=clusters[slug][1],
                node=node or "",
                node_url=node_links[slug](node) if node and cluster_id in node_clusters else "",
                secondary=secondary or "",
                owner=user or group or "",
            )
        )
    return found
