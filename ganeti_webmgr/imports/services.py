"""The import tools' work: what waits in each category, and import/forget/count.

Views check that the user administers the cluster ("grant": GWM-side work, allowed on
read-only clusters); every queryset here is also filtered by the permission rules.
Nothing here deletes or changes anything in Ganeti: importing writes at most the
owner tag of the imported VMs, through actions.owner.set_owner, as the VM page does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ganeti_webmgr import audit
from ganeti_webmgr.actions import owner as owners
from ganeti_webmgr.actions import service
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import Instance
from ganeti_webmgr.ganeti import Node as RapiNode
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.inventory import node_records, vm_records
from ganeti_webmgr.inventory.reconcile import reconcile
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.permissions.rules import may_override_quota, require, visible
from ganeti_webmgr.quotas import reserve as quota
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.virtual_machines import bulk, holdings, ownership
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# One submission acts on at most this many objects (as bulk actions): each import may
# send Ganeti a tag job, and a request must end.
MAX_SELECTION = bulk.MAX_SELECTION
# A sync_key no record has (real ones contain "|"): the next sync rewrites the row.
RELINK = "relink"
# The owner choice "tag": whoever the VM's gwm:owner tag names (nobody if none).
FROM_TAG = "tag"


# -- what waits ----------------------------------------------------------------------
def pending_vms(cluster: Cluster) -> QuerySet:
    return PendingImport.objects.filter(cluster=cluster, kind=PendingImport.Kind.VM)


def pending_nodes(cluster: Cluster) -> QuerySet:
    return PendingImport.objects.filter(cluster=cluster, kind=PendingImport.Kind.NODE)


def gone_vms(user, cluster: Cluster) -> QuerySet:
    return visible(
        user,
        VirtualMachine.objects.filter(cluster=cluster, missing=True, removed_at=None),
        "grant",
    )


def orphan_vms(user, cluster: Cluster) -> QuerySet:
    vms = VirtualMachine.objects.filter(
        cluster=cluster, missing=False, owner_user=None, owner_group=None
    )
    return visible(user, vms, "grant")


def gone_nodes(user, cluster: Cluster) -> QuerySet:
    return visible(user, Node.objects.filter(cluster=cluster, missing=True))


@dataclass
class Counts:
    new_vms: int = 0
    gone_vms: int = 0
    orphans: int = 0
    new_nodes: int = 0
    gone_nodes: int = 0

    @property
    def total(self) -> int:
        return self.new_vms + self.gone_vms + self.orphans + self.new_nodes + self.gone_nodes


def counts(user, clusters: list[Cluster]) -> dict[int, Counts]:
    """Counts per cluster pk, in five grouped queries whatever the number of clusters."""
    ids = [c.pk for c in clusters]
    result = {pk: Counts() for pk in ids}
    pending = PendingImport.objects.filter(cluster_id__in=ids)
    for row in pending.values("cluster_id", "kind").annotate(n=Count("pk")).order_by():
        field = "new_vms" if row["kind"] == PendingImport.Kind.VM else "new_nodes"
        setattr(result[row["cluster_id"]], field, row["n"])
    vms = visible(user, VirtualMachine.objects.filter(cluster_id__in=ids), "grant")
    nodes = visible(user, Node.objects.filter(cluster_id__in=ids))
    for field, queryset in (
        ("gone_vms", vms.filter(missing=True, removed_at=None)),
        ("orphans", vms.filter(missing=False, owner_user=None, owner_group=None)),
        ("gone_nodes", nodes.filter(missing=True)),
    ):
        for row in queryset.values("cluster_id").annotate(n=Count("pk")).order_by():
            setattr(result[row["cluster_id"]], field, row["n"])
    return result


# -- virtual machines ------------------------------------------------------------------
def import_vms(
    user, cluster: Cluster, names: list[str], owner, request=None, beyond_quota: bool = False
) -> list:
    """Create rows for the pending VMs named, from Ganeti's record as the last sync saw it
    (the sync's own mapping), give them `owner` (a User, Group, None, or FROM_TAG), then
    write the owner tag in Ganeti unless the cluster is read-only or owner is FROM_TAG.

    Each owner's quota must have room for the VMs it gets (service.OverQuota, and
    nothing imported, if not), unless beyond_quota (audited).

    Returns a bulk.Outcome per imported VM (its tag job, or why the tag was not written).
    """
    require(user, "grant", cluster)
    from_tag = isinstance(owner, str) and owner == FROM_TAG
    waiting = list(pending_vms(cluster).filter(name__in=names).order_by("name")[:MAX_SELECTION])
    if not waiting:
        return []
    node_ids = dict(Node.objects.filter(cluster=cluster).values_list("name", "pk"))
    items = {p.name: Instance.from_dict(p.raw) for p in waiting}
    entries = {}
    with transaction.atomic():
        reconcile(
            VirtualMachine,
            cluster,
            items,
            vm_records.vm_mapping(node_ids, cluster.info.get("default_hypervisor") or ""),
            timezone.now(),
            complete=False,
        )
        vms = list(VirtualMachine.objects.filter(cluster=cluster, name__in=items).order_by("name"))
        chosen = {}
        for vm in vms:
            vm.cluster = cluster
            chosen[vm.pk] = ownership.owner_from_tags(vm.tags) if from_tag else owner
        beyond = _check_quotas(user, cluster, vms, chosen, beyond_quota)
        # Rows made just now have no owner; one a job's refresh made meanwhile may have.
        before = [(vm.owner_user_id, vm.owner_group_id) for vm in vms]
        for vm in vms:
            _set_owner_in_gwm(vm, chosen[vm.pk])
            entries[vm.pk] = audit.record(
                "vm.import",
                actor=user,
                request=request,
                targets=[vm, cluster],
                message=f"{vm.name} imported from Ganeti; owner {chosen[vm.pk] or 'nobody'}"
                + (" (beyond the owner's quota: overridden)" if chosen[vm.pk] in beyond else ""),
            )
        holdings.refresh(cluster, [*before, *chosen.values()])
        PendingImport.objects.filter(pk__in=[p.pk for p in waiting]).delete()
    outcomes = []
    for vm in vms:
        outcome = bulk.Outcome(vm)
        if not from_tag:
            try:
                jobs = owners.set_owner(user, vm, owner, request=request, audit_action=None)
            except ownership.OwnerError as error:
                outcome.error = _("imported; the owner tag cannot be written: %(error)s") % {
                    "error": error
                }
            else:
                outcome.job = jobs[-1] if jobs else None
        if outcome.job is not None:
            # The entry follows the tag job, as the owner change on the VM page does.
            entries[vm.pk].job = outcome.job
            entries[vm.pk].save(update_fields=["job"])
        outcomes.append(outcome)
    return outcomes


def _check_quotas(user, cluster: Cluster, vms, chosen: dict, override: bool) -> list:
    """Every owner's quota against what it gets (the rows exist, without owners yet);
    returns the owners gone beyond theirs (overridden)."""
    demands: dict = {}
    for vm in vms:
        if (owner := chosen[vm.pk]) is not None:
            demands[owner] = demands.get(owner, usage.Amount()) + usage.of_vm(vm)
    may_override = may_override_quota(user, cluster)
    beyond = []
    for owner, demand in demands.items():
        try:
            if quota.check(cluster, owner, demand, override=override and may_override):
                beyond.append(owner)
        except quota.OverQuota as over:
            raise service.OverQuota(str(over), may_override) from None
    return beyond


def _set_owner_in_gwm(vm: VirtualMachine, owner: User | Group | None) -> None:
    vm.owner_user = owner if isinstance(owner, User) else None
    vm.owner_group = owner if isinstance(owner, Group) else None
    VirtualMachine.objects.filter(pk=vm.pk).update(
        owner_user=vm.owner_user, owner_group=vm.owner_group
    )


def forget_vms(user, cluster: Cluster, names: list[str], request=None) -> list[str]:
    """Delete the rows of VMs gone from Ganeti (missing); returns the names removed."""
    return _forget(user, cluster, gone_vms(user, cluster), names, "vm.forget", "", request)


def assign_owner(user, cluster: Cluster, names: list[str], owner, request=None) -> list:
    """Give orphan VMs an owner: bulk's owner action (per-VM checks, jobs, audit)."""
    require(user, "grant", cluster)
    pks = list(
        orphan_vms(user, cluster)
        .filter(name__in=names)
        .order_by("name")
        .values_list("pk", flat=True)[:MAX_SELECTION]
    )
    return bulk.run(user, pks, "owner", request=request, owner=owner)


# -- nodes -----------------------------------------------------------------------------
def import_nodes(user, cluster: Cluster, names: list[str], request=None) -> list[str]:
    """Create rows for the pending nodes named; returns the names imported.

    VMs GWM has that run on them were synced without their node link: they are marked
    to be rewritten by the next sync, which is requested now.
    """
    require(user, "grant", cluster)
    waiting = list(pending_nodes(cluster).filter(name__in=names).order_by("name")[:MAX_SELECTION])
    if not waiting:
        return []
    items = {p.name: RapiNode.from_dict(p.raw) for p in waiting}
    group_ids = dict(NodeGroup.objects.filter(cluster=cluster).values_list("uuid", "pk"))
    now = timezone.now()
    with transaction.atomic():
        reconcile(Node, cluster, items, node_records.node_mapping(group_ids), now, complete=False)
        nodes = list(Node.objects.filter(cluster=cluster, name__in=items).order_by("name"))
        for node in nodes:
            audit.record(
                "node.import",
                actor=user,
                request=request,
                targets=[node, cluster],
                message=f"node {node.name} imported from Ganeti",
            )
        # Ganeti has at most one secondary node per instance (DRBD): snodes[0].
        VirtualMachine.objects.filter(cluster=cluster, missing=False).filter(
            Q(raw__pnode__in=list(items)) | Q(raw__snodes__0__in=list(items))
        ).update(sync_key=RELINK)
        PendingImport.objects.filter(pk__in=[p.pk for p in waiting]).delete()
        Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=now)
    return [node.name for node in nodes]


def forget_nodes(user, cluster: Cluster, names: list[str], request=None) -> list[str]:
    """Delete the rows of nodes gone from Ganeti (missing); returns the names removed."""
    return _forget(user, cluster, gone_nodes(user, cluster), names, "node.forget", "node ", request)


def _forget(user, cluster, gone: QuerySet, names, action: str, label: str, request) -> list[str]:
    require(user, "grant", cluster)
    with transaction.atomic():
        rows = list(gone.filter(name__in=names).order_by("name")[:MAX_SELECTION])
        for row in rows:
            since = f" since {row.missing_since:%Y-%m-%d %H:%M}" if row.missing_since else ""
            audit.record(
                action,
                actor=user,
                request=request,
                targets=[row, cluster],
                message=f"{label}{row.name} removed from GWM: gone from Ganeti{since}",
            )
        gone.model.objects.filter(pk__in=[row.pk for row in rows], missing=True).delete()
    return [row.name for row in rows]
