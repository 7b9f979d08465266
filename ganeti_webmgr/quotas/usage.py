"""What owners use of a cluster: the synced VMs they own, plus what recorded jobs
have reserved. Memory and vCPUs count for running VMs only unless the cluster
counts stopped ones too (Cluster.quota_counts_stopped_vms); disk and the number
of VMs count for all. VMs deleted from GWM or gone from Ganeti count for nothing.

The synced part is read from each owner's Holding (the sums over its VMs, kept by
virtual_machines/holdings.py as VM rows are written), so what a check reads does
not grow with the owner's VMs.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.units import format_mib
from ganeti_webmgr.quotas.models import RESOURCES, Quota, Reservation
from ganeti_webmgr.virtual_machines.models import Holding, VirtualMachine

# The resources as pages name them (and, under translation.override("en"), the log).
LABELS = {
    "ram": gettext_lazy("memory"),
    "disk": gettext_lazy("disk"),
    "vcpus": "vCPUs",
    "vms": gettext_lazy("virtual machines"),
}


def amount_text(resource: str, value: int | None) -> str:
    """A limit or an amount as pages show it: sizes for MiB, "no limit" for None."""
    if value is None:
        return _("no limit")
    return format_mib(value) if resource in ("ram", "disk") else str(value)


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

    def texts(self) -> dict[str, str]:
        """Per resource its limit as text ("no limit", sizes for MiB)."""
        return {r: amount_text(r, getattr(self, r)) for r in RESOURCES}


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


def _synced(cluster: Cluster | None) -> dict:
    """A Holding's columns as usage, for values(): memory and vCPUs of running VMs, or
    of all where the cluster counts stopped ones (cluster None: each row's own)."""
    if cluster is not None:
        stopped = cluster.quota_counts_stopped_vms
        ram, vcpus = ("ram_all", "vcpus_all") if stopped else ("ram_running", "vcpus_running")
        return {"ram": F(ram), "disk": F("disk_all"), "vcpus": F(vcpus), "vms": F("vms_all")}
    stopped = Q(cluster__quota_counts_stopped_vms=True)
    return {
        "ram": Case(When(stopped, then=F("ram_all")), default=F("ram_running")),
        "disk": F("disk_all"),
        "vcpus": Case(When(stopped, then=F("vcpus_all")), default=F("vcpus_running")),
        "vms": F("vms_all"),
    }


_RESERVED = {r: Coalesce(Sum(r), 0) for r in RESOURCES}


def used(
    cluster: Cluster, owner: User | Group, *, excluding: VirtualMachine | None = None
) -> Amount:
    """The owner's usage on cluster now (synced + reserved), in one query whatever the
    number of its VMs: its Holding row, its reservations, and (excluding) what that VM
    counts for as stored, taken off."""
    column = "owner_group_id" if isinstance(owner, Group) else "owner_user_id"
    stopped = cluster.quota_counts_stopped_vms
    sql = _used_sql(connection.vendor, stopped, column, excluding is not None)
    params = [cluster.pk, owner.pk, cluster.pk, owner.pk]
    if excluding is not None:
        params += [excluding.pk, cluster.pk, owner.pk, False]
    total = Amount()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for sign, *row in cursor.fetchall():
            amount = Amount(*(int(value) for value in row))
            total = total + amount if sign > 0 else total - amount
    return total


@functools.cache
def _used_sql(vendor: str, counts_stopped: bool, owner_column: str, excluding: bool) -> str:
    """used()'s query, written once per shape (compiling it with the ORM on every check
    cost more than the database's work: bench/quotas.py). Each row starts with its
    sign: 1 to add, -1 to take off."""
    quote = connection.ops.quote_name

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    holding, reservation, vm = Holding, Reservation, VirtualMachine
    ram, vcpus = ("ram_all", "vcpus_all") if counts_stopped else ("ram_running", "vcpus_running")
    synced = ", ".join(column(holding, name) for name in (ram, "disk_all", vcpus, "vms_all"))
    reserved = ", ".join(f"COALESCE(SUM({column(reservation, r)}), 0)" for r in RESOURCES)

    def owned(model) -> str:
        return f"{column(model, 'cluster')} = %s AND {quote(owner_column)} = %s"

    sql = (
        f"SELECT 1, {synced} FROM {quote(holding._meta.db_table)} "  # noqa: S608
        f"WHERE {owned(holding)} "
        f"UNION ALL SELECT 1, {reserved} FROM {quote(reservation._meta.db_table)} "
        f"WHERE {owned(reservation)}"
    )
    if excluding:
        # What the VM counts for (as holdings.py sums it), to take off.
        memory, cpus = f"COALESCE({column(vm, 'memory')}, 0)", f"COALESCE({column(vm, 'vcpus')}, 0)"
        if not counts_stopped:
            running = column(vm, "oper_state")
            memory = f"CASE WHEN {running} THEN {memory} ELSE 0 END"
            cpus = f"CASE WHEN {running} THEN {cpus} ELSE 0 END"
        sql += (
            f" UNION ALL SELECT -1, {memory}, {column(vm, 'disk_size')}, {cpus}, 1 "  # noqa: S608
            f"FROM {quote(vm._meta.db_table)} WHERE {column(vm, 'id')} = %s "
            f"AND {owned(vm)} AND {column(vm, 'removed_at')} IS NULL "
            f"AND {column(vm, 'missing')} = %s"
        )
    return sql  # only names from the models' metadata in the text; values are parameters


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
            result.append(
                {
                    "resource": r,
                    "label": LABELS[r],
                    "used": value,
                    "limit": limit,
                    "used_text": amount_text(r, value),
                    "limit_text": amount_text(r, limit),
                    "left": None if limit is None else max(0, limit - value),
                    "left_text": "" if limit is None else amount_text(r, max(0, limit - value)),
                    "over": limit is not None and value > limit,
                    "percent": None if not limit else min(100, round(100 * value / limit)),
                }
            )
        return result


def per_owner(cluster: Cluster) -> list[OwnerUsage]:
    """Every owner with VMs, reservations or a quota on cluster: three queries
    (and the owners' rows), owners in name order, users before groups."""
    totals: dict[tuple[str, int], Amount] = defaultdict(Amount)
    rows = Holding.objects.filter(cluster=cluster).values(
        "owner_user", "owner_group", **_synced(cluster)
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
    held = Holding.objects.filter(owner_filter(owner)).values("cluster_id", **_synced(None))
    reserved = (
        Reservation.objects.filter(owner_filter(owner))
        .values("cluster_id")
        .annotate(**_RESERVED)
        .order_by()
    )
    totals: dict[int, Amount] = defaultdict(Amount)
    for row in held.union(reserved, all=True):
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
