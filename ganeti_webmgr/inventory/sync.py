"""One sync of a cluster: read its state over RAPI, write what changed in one transaction.

Reads /2/info, /2/groups?bulk=1, /2/nodes?bulk=1, /2/networks?bulk=1 and
/2/instances?bulk=1 (and, hourly, /2/os: Ganeti asks every node for it) first,
and only then opens the write transaction, so a slow cluster never holds a
database lock and a stop request between the two leaves the database untouched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.core.db import atomic_with_retry
from ganeti_webmgr.ganeti import ClusterInfo, Instance, Node, RapiClient
from ganeti_webmgr.inventory import node_records, vm_records
from ganeti_webmgr.inventory.pending import PendingChanges, record_pending
from ganeti_webmgr.inventory.reconcile import Changes, reconcile
from ganeti_webmgr.inventory.signals import cluster_synced
from ganeti_webmgr.nodes.models import Node as NodeRow
from ganeti_webmgr.nodes.models import NodeGroup
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.virtual_machines.ownership import adopt_owners_from_tags

logger = logging.getLogger(__name__)


QUICK_SYNC_DELAY = timedelta(seconds=0.5)


class SyncStopped(Exception):
    """The worker is stopping; nothing was written."""


@dataclass
class Snapshot:
    info: ClusterInfo
    features: list[str]
    groups: list[dict]
    nodes: list[Node]
    instances: list[Instance]
    fetch_seconds: float
    networks: list[dict] = field(default_factory=list)
    operating_systems: list[str] | None = None  # None: not fetched this time


@dataclass
class SyncResult:
    groups: Changes = field(default_factory=Changes)
    nodes: Changes = field(default_factory=Changes)
    virtual_machines: Changes = field(default_factory=Changes)
    # The import tools' list (auto_import off): what this sync changed in it.
    pending: PendingChanges = field(default_factory=PendingChanges)
    fetch_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return (
            self.groups.written
            + self.nodes.written
            + self.virtual_machines.written
            + self.pending.written
        )

    def as_dict(self) -> dict:
        return {
            "groups": self.groups.as_dict(),
            "nodes": self.nodes.as_dict(),
            "virtual_machines": self.virtual_machines.as_dict(),
        }

    def describe(self) -> list[str]:
        lines = []
        for label, changes in (
            ("node groups", self.groups),
            ("nodes", self.nodes),
            ("virtual machines", self.virtual_machines),
        ):
            waiting = f", {len(changes.pending)} waiting for import" if changes.pending else ""
            lines.append(
                f"{label}: {len(changes.created)} new, {len(changes.updated)} changed, "
                f"{len(changes.missing)} missing, {changes.unchanged} unchanged{waiting}"
            )
            lines += [f"  + {name}" for name in changes.created]
            lines += [f"  ~ {name}" for name in changes.updated]
            lines += [f"  - {name}" for name in changes.missing]
        return lines


OS_LIST_INTERVAL = timedelta(hours=1)
# What forms need of a network; its address map can be tens of kilobytes.
NETWORK_FIELDS = ("name", "network", "gateway", "network6", "gateway6", "mac_prefix", "group_list")


def fetch(client: RapiClient, with_os: bool = True) -> Snapshot:
    started = time.monotonic()
    info = client.info()
    features = client.features()
    groups = client.list_groups_bulk()
    nodes = client.list_nodes_bulk()
    instances = client.list_instances_bulk()
    networks = [
        {k: n.get(k) for k in NETWORK_FIELDS} for n in client.list_networks_bulk() if n.get("name")
    ]
    operating_systems = sorted(client.operating_systems()) if with_os else None
    return Snapshot(
        info,
        features,
        groups,
        nodes,
        instances,
        time.monotonic() - started,
        sorted(networks, key=lambda n: n["name"]),
        operating_systems,
    )


def os_list_due(cluster: Cluster) -> bool:
    at = cluster.operating_systems_at
    return at is None or timezone.now() - at >= OS_LIST_INTERVAL


def apply(cluster: Cluster, snapshot: Snapshot) -> SyncResult:
    """Write the snapshot; one transaction, so readers see the old or the new state."""
    result = atomic_with_retry(lambda: _write(cluster, snapshot))
    result.fetch_seconds = snapshot.fetch_seconds
    return result


def _write(cluster: Cluster, snapshot: Snapshot) -> SyncResult:
    now = timezone.now()
    result = SyncResult()
    create = cluster.auto_import  # off: new instances and nodes wait in the import tools
    result.groups = reconcile(
        NodeGroup,
        cluster,
        {g["name"]: g for g in snapshot.groups if g.get("name")},
        node_records.group_mapping(),
        now,
    )
    group_ids = dict(NodeGroup.objects.filter(cluster=cluster).values_list("uuid", "pk"))
    result.nodes = reconcile(
        NodeRow,
        cluster,
        {n.name: n for n in snapshot.nodes},
        node_records.node_mapping(group_ids),
        now,
        create=create,
    )
    node_ids = dict(NodeRow.objects.filter(cluster=cluster).values_list("name", "pk"))
    result.virtual_machines = reconcile(
        VirtualMachine,
        cluster,
        {i.name: i for i in snapshot.instances},
        vm_records.vm_mapping(node_ids, snapshot.info.raw.get("default_hypervisor") or ""),
        now,
        create=create,
    )
    result.pending = record_pending(
        cluster,
        {"node": result.nodes.pending, "vm": result.virtual_machines.pending},
        now,
    )
    vms = result.virtual_machines
    adopted = 0
    if vms.created or vms.updated:
        # Imported or re-tagged VMs: the gwm:owner tag names their owner.
        adopted = adopt_owners_from_tags(cluster)
    if vms.updated or vms.missing or adopted:
        # What VMs count for changed: every owner's holding, one sum per kind of owner.
        holdings.refresh(cluster)
    cluster_synced.send(sender=Cluster, cluster=cluster, result=result)
    info = snapshot.info
    fields = {}
    if snapshot.operating_systems is not None:
        fields = {"operating_systems": snapshot.operating_systems, "operating_systems_at": now}
    Cluster.objects.filter(pk=cluster.pk).update(
        ganeti_name=info.name,
        ganeti_version=info.software_version or "",
        features=snapshot.features,
        info=info.raw,
        networks=snapshot.networks,
        node_count=len(snapshot.nodes),
        instance_count=len(snapshot.instances),
        **fields,
    )
    return result


def sync_cluster(
    cluster: Cluster,
    should_stop: Callable[[], bool] = lambda: False,
    client: RapiClient | None = None,
) -> SyncResult:
    """Fetch and apply; raises RapiError (nothing written) or SyncStopped."""
    started = time.monotonic()
    snapshot = fetch(client or client_for(cluster), with_os=os_list_due(cluster))
    if should_stop():
        raise SyncStopped
    result = apply(cluster, snapshot)
    result.seconds = time.monotonic() - started
    return result


def record_success(cluster: Cluster, result: SyncResult, interval: int) -> None:
    now = timezone.now()
    quick = Cluster.objects.filter(pk=cluster.pk, quick_syncs__gt=0)
    fields = {
        "last_sync_at": now,
        "last_sync_duration": result.seconds,
        "last_sync_changes": result.as_dict(),
        "consecutive_failures": 0,
    }
    if not quick.update(
        **fields, quick_syncs=F("quick_syncs") - 1, next_sync_at=now + QUICK_SYNC_DELAY
    ):
        Cluster.objects.filter(pk=cluster.pk).update(
            **fields, next_sync_at=now + timedelta(seconds=interval)
        )


def record_failure(cluster: Cluster, error: Exception, interval: int, max_backoff: int) -> int:
    """Note the error and push the next try out (doubling); returns the delay in seconds."""
    failures = Cluster.objects.get(pk=cluster.pk).consecutive_failures + 1
    delay = min(interval * 2 ** (failures - 1), max_backoff)
    now = timezone.now()
    Cluster.objects.filter(pk=cluster.pk).update(
        last_error=str(error)[:2000],
        last_error_at=now,
        consecutive_failures=failures,
        next_sync_at=now + timedelta(seconds=delay),
    )
    return delay
