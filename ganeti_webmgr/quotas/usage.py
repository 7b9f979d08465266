"""What owners use of a cluster: the synced VMs they own, plus what recorded jobs
have reserved. Memory and vCPUs count for running VMs only unless the cluster
counts stopped ones too (Cluster.quota_counts_stopped_vms); disk and the number
of VMs count for all. VMs deleted from GWM or gone from Ganeti count for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.units import format_mib
from ganeti_webmgr.quotas.models import RESOURCES, Quota, Reservation
from ganeti_webmgr.virtual_machines.models import VirtualMachine

LABELS = {"ram": "memory", "disk": "disk", "vcpus": "vCPUs", "vms": "virtual machines"}


@dataclass(frozen=True)
class Amount:
    ram: int = 0  # MiB
    disk: int = 0  # MiB
    vcpus: int = 0
    vms: int = 0

    def __add__(self, other: Amount) -> Amount:
        return Amount(*(getattr(self, r) + getattr(other, r) for r in RESOURCES))

    def __sub__(self, other: Amount) -> Amount:
        return Amount(*(getattr(self, r) - getattr(other, r) for r in RESOURCES))

    def positive(self) -> Amount:
        return Amount(*(max(0, getattr(self, r)) for r in RESOURCES))

    def __bool__(self) -> bool:
        return any(getattr(self, r) for r in RESOURCES)


@dataclass(frozen=True)
class Limits:
    """Per resource a number, or None: no limit."""

    ram: int | None = None
    disk: int | None = None
    vcpus: int | None = None
    vms: int | None = None
    own: bool = False  # the owner's own Quota row, not the cluster's defaults

    def exceeded(self, used: Amount) -> list[str]:
        """The resources `used` goes beyond, in RESOURCES order."""
        return [
            r
            for r in RESOURCES
            if getattr(self, r) is not None and getattr(used, r) > getattr(self, r)
        ]

    @property
    def unlimited(self) -> bool:
        return all(getattr(self, r) is None for r in RESOURCES)


def owner_filter(owner, prefix: str = "") -> Q:
    if isinstance(owner, Group):
        return Q(**{f"{prefix}owner_group": owner})
    return Q(**{f"{prefix}owner_user": owner})


def cluster_defaults(cluster: Cluster) -> Limits:
    return Limits(
        cluster.default_quota_ram,
        cluster.default_quota_disk,
        cluster.default_quota_vcpus,
        cluster.default_quota_vms,
    )


def limits(cluster: Cluster, owner: User | Group) -> Limits:
    return limits_of(cluster, Quota.objects.filter(owner_filter(owner), cluster=cluster).first())


def limits_of(cluster: Cluster, quota: Quota | None) -> Limits:
    """An owner's own quota (all four values), or without one the cluster's defaults."""
    if quota is None:
        return cluster_defaults(cluster)
    return Limits(quota.ram, quota.disk, quota.vcpus, quota.vms, own=True)


def _sums(cluster: Cluster | None) -> dict:
    """The aggregates of synced VMs, for a values()/annotate() query."""
    counted = Q(removed_at=None, missing=False)
    if cluster is not None and cluster.quota_counts_stopped_vms:
        active = counted
    elif cluster is not None:
        active = counted & Q(oper_state=True)
    else:  # several clusters: each one's own rule
        active = counted & (Q(oper_state=True) | Q(cluster__quota_counts_stopped_vms=True))
    # In RESOURCES order, as _RESERVED: union() pairs the columns by position.
    return {
        "ram": Coalesce(Sum("memory", filter=active), 0),
        "disk": Coalesce(Sum("disk_size", filter=counted), 0),
        "vcpus": Coalesce(Sum("vcpus", filter=active), 0),
        "vms": Count("pk", filter=counted),
    }


_RESERVED = {r: Coalesce(Sum(r), 0) for r in RESOURCES}


def used(
    cluster: Cluster, owner: User | Group, *, excluding: VirtualMachine | None = None
) -> Amount:
    """The owner's usage on cluster now (synced + reserved), in one query."""
    vms = VirtualMachine.objects.filter(owner_filter(owner), cluster=cluster)
    if excluding is not None:
        vms = vms.exclude(pk=excluding.pk)
    synced = vms.values("cluster_id").annotate(**_sums(cluster)).order_by()
    reserved = (
        Reservation.objects.filter(owner_filter(owner), cluster=cluster)
        .values("cluster_id")
        .annotate(**_RESERVED)
        .order_by()
    )
    total = Amount()
    for row in synced.union(reserved, all=True):
        total += Amount(**{r: row[r] for r in RESOURCES})
    return total


def of_vm(vm: VirtualMachine) -> Amount:
    """What one VM counts for its owner now."""
    if vm.removed_at is not None or vm.missing:
        return Amount()
    active = vm.oper_state or vm.cluster.quota_counts_stopped_vms
    return Amount(
        ram=(vm.memory or 0) if active else 0,
        disk=vm.disk_size or 0,
        vcpus=(vm.vcpus or 0) if active else 0,
        vms=1,
    )


@dataclass
class OwnerUsage:
    owner: User | Group
    used: Amount
    limits: Limits

    @property
    def over(self) -> list[str]:
        return self.limits.exceeded(self.used)

    def rows(self) -> list[dict]:
        """Per resource: label, used, limit (None: none), left, over, percent, and the
        amounts as text (MiB as sizes)."""
        result = []
        for r in RESOURCES:
            limit, value = getattr(self.limits, r), getattr(self.used, r)
            text = format_mib if r in ("ram", "disk") else str
            result.append(
                {
                    "resource": r,
                    "label": LABELS[r],
                    "used": value,
                    "limit": limit,
                    "used_text": text(value),
                    "limit_text": "no limit" if limit is None else text(limit),
                    "left": None if limit is None else max(0, limit - value),
                    "left_text": "" if limit is None else text(max(0, limit - value)),
                    "over": limit is not None and value > limit,
                    "percent": None if not limit else min(100, round(100 * value / limit)),
                }
            )
        return result


def per_owner(cluster: Cluster) -> list[OwnerUsage]:
    """Every owner with VMs, reservations or a quota on cluster: three queries
    (and the owners' rows), owners in name order, users before groups."""
    totals: dict[tuple[str, int], Amount] = defaultdict(Amount)
    rows = (
        VirtualMachine.objects.filter(cluster=cluster)
        .exclude(owner_user=None, owner_group=None)
        .values("owner_user", "owner_group")
        .annotate(**_sums(cluster))
    )
    reserved = (
        Reservation.objects.filter(cluster=cluster)
        .values("owner_user", "owner_group")
        .annotate(**_RESERVED)
    )
    for row in [*rows, *reserved]:
        key = ("user", row["owner_user"]) if row["owner_user"] else ("group", row["owner_group"])
        totals[key] = totals[key] + Amount(**{r: row[r] for r in RESOURCES})
    quotas = {
        (("user", q.owner_user_id) if q.owner_user_id else ("group", q.owner_group_id)): q
        for q in Quota.objects.filter(cluster=cluster)
    }
    for key in quotas:
        totals.setdefault(key, Amount())
    users = User.objects.in_bulk([i for kind, i in totals if kind == "user"])
    groups = Group.objects.in_bulk([i for kind, i in totals if kind == "group"])
    result = []
    for (kind, pk), amount in totals.items():
        owner = users.get(pk) if kind == "user" else groups.get(pk)
        if owner is not None:
            result.append(OwnerUsage(owner, amount, limits_of(cluster, quotas.get((kind, pk)))))
    result.sort(key=lambda u: (isinstance(u.owner, Group), str(u.owner).casefold()))
    return result


def by_cluster(owner: User | Group) -> dict[int, Amount]:
    """The owner's usage (synced + reserved) per cluster id, in one query."""
    vms = (
        VirtualMachine.objects.filter(owner_filter(owner))
        .values("cluster_id")
        .annotate(**_sums(None))
        .order_by()
    )
    reserved = (
        Reservation.objects.filter(owner_filter(owner))
        .values("cluster_id")
        .annotate(**_RESERVED)
        .order_by()
    )
    totals: dict[int, Amount] = defaultdict(Amount)
    for row in vms.union(reserved, all=True):
        totals[row["cluster_id"]] += Amount(**{r: row[r] for r in RESOURCES})
    return dict(totals)


def overview(owner: User | Group, clusters) -> list[tuple[Cluster, OwnerUsage]]:
    """Per cluster (of those given) where the owner has a limit or uses something:
    its usage against its quota. Two queries (usage, the owner's own quotas)."""
    used_on = by_cluster(owner)
    own = {q.cluster_id: q for q in Quota.objects.filter(owner_filter(owner))}
    result = []
    for cluster in clusters:
        limits = limits_of(cluster, own.get(cluster.pk))
        amount = used_on.get(cluster.pk, Amount())
        if amount or not limits.unlimited:
            result.append((cluster, OwnerUsage(owner, amount, limits)))
    return result
