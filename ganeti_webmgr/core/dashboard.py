"""What the dashboard shows, for one user: a handful of aggregate queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@dataclass
class Capacity:
    label: str
    used: int
    total: int
    unit: str

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.total) if self.total else 0

    @property
    def width(self) -> int:
        """The bar's fill: overcommitted vCPUs pass 100 %, the bar stops there."""
        return min(self.percent, 100)

    @property
    def fill_step(self) -> int:
        """width in steps of 5, for gwm.css's fill-N classes (no style attributes
        under the Content-Security-Policy)."""
        return 5 * round(self.width / 5)

    @property
    def ratio(self) -> str:
        """used per unit of total, "7.5:1": how far vCPUs are overcommitted."""
        if not self.total:
            return ""
        return f"{self.used / self.total:.1f}".removesuffix(".0") + ":1"

    @property
    def overcommitted(self) -> bool:
        return self.used > self.total

    @property
    def maximum(self) -> int:
        """The meter's top, which its value may not exceed (ARIA)."""
        return max(self.total, self.used)


@dataclass
class Counts:
    """What one user may see of a cluster: never Ganeti's totals, which a user with a
    few VMs may not know; VMs waiting for import only for those who import them."""

    vms: int = 0
    nodes: int = 0
    waiting: int | None = None  # None: not the user's business


def counts(user) -> dict[int, Counts]:
    """Counts per cluster pk, in three aggregate queries whatever the size."""
    result: dict[int, Counts] = {}
    for row in (
        visible(user, VirtualMachine.objects.filter(missing=False))
        .values("cluster")
        .annotate(n=Count("pk"))
    ):
        result.setdefault(row["cluster"], Counts()).vms = row["n"]
    for row in (
        visible(user, Node.objects.filter(missing=False)).values("cluster").annotate(n=Count("pk"))
    ):
        result.setdefault(row["cluster"], Counts()).nodes = row["n"]
    importers = visible(user, Cluster.objects.all(), "grant").values("pk")
    waiting = {
        row["cluster"]: row["n"]
        for row in PendingImport.objects.filter(kind=PendingImport.Kind.VM, cluster__in=importers)
        .values("cluster")
        .annotate(n=Count("pk"))
    }
    for pk in importers.values_list("pk", flat=True):
        result.setdefault(pk, Counts()).waiting = waiting.get(pk, 0)
    return result


@dataclass
class ClusterSummary:
    cluster: Cluster
    vms: int
    running: int
    capacity: list[Capacity]  # empty unless the user may see the cluster's nodes


def summaries(user) -> list[ClusterSummary]:
    clusters = list(visible(user, Cluster.objects.all()).order_by("slug"))
    vm_counts = {
        row["cluster"]: row
        for row in visible(user, VirtualMachine.objects.filter(missing=False))
        .values("cluster")
        .annotate(
            total=Count("pk"),
            running=Count("pk", filter=Q(status="running")),
            vcpus=Sum("vcpus", filter=Q(status="running")),
        )
    }
    node_sums = {
        row["cluster"]: row
        for row in visible(user, Node.objects.filter(missing=False))
        .values("cluster")
        .annotate(
            mem_total=Sum("memory_total"),
            mem_free=Sum("memory_free"),
            disk_total=Sum("disk_total"),
            disk_free=Sum("disk_free"),
            cpus=Sum("cpu_total"),
        )
    }
    result = []
    for cluster in clusters:
        counts = vm_counts.get(cluster.pk, {})
        nodes = node_sums.get(cluster.pk)
        capacity = []
        if nodes:
            capacity = [
                Capacity(
                    _("Memory"),
                    (nodes["mem_total"] or 0) - (nodes["mem_free"] or 0),
                    nodes["mem_total"] or 0,
                    "MiB",
                ),
                Capacity(
                    _("Disk"),
                    (nodes["disk_total"] or 0) - (nodes["disk_free"] or 0),
                    nodes["disk_total"] or 0,
                    "MiB",
                ),
                Capacity(
                    _("vCPUs of running VMs"),
                    counts.get("vcpus") or 0,
                    nodes["cpus"] or 0,
                    "CPU",
                ),
            ]
        result.append(
            ClusterSummary(cluster, counts.get("total", 0), counts.get("running", 0), capacity)
        )
    return result


def recent_errors(user, limit: int = 10):
    return (
        visible(user, Job.objects.filter(status=Job.Status.ERROR, acknowledged=False))
        .select_related("cluster", "requested_by")
        .order_by("-created_at")[:limit]
    )


def recent_jobs(user, limit: int = 10):
    return (
        visible(user, Job.objects.all())
        .select_related("cluster", "requested_by")
        .order_by("-created_at")[:limit]
    )


def own_vms(user, limit: int = 20):
    owned = Q(owner_user=user) | Q(owner_group__in=user.groups.all())
    return (
        visible(user, VirtualMachine.objects.filter(owned, missing=False))
        .select_related("cluster")
        .order_by("name")[:limit]
    )
