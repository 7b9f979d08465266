"""What a finished GWM job changed: read its targets from Ganeti and write their rows,
so pages show the result as soon as Ganeti is done (called by jobs.follow)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from django.utils import timezone

from ganeti_webmgr.core.sorting import name_key
from ganeti_webmgr.ganeti import Instance, RapiClient, RapiNotFound
from ganeti_webmgr.ganeti import Node as RapiNode
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.inventory import node_records, vm_records
from ganeti_webmgr.inventory.reconcile import reconcile
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.virtual_machines import holdings
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@dataclass
class Targets:
    """What Ganeti says of a job's targets now (read before the write transaction)."""

    instances: dict[str, Instance | None] = field(default_factory=dict)  # None: gone
    renamed_to: str | None = None
    node: RapiNode | None = None


def fetch_targets(job: Job, client: RapiClient) -> Targets:
    targets = Targets()
    if job.target_kind == Job.TargetKind.VIRTUAL_MACHINE and job.target_name:
        names = [job.target_name]
        # A rename's result names the new VM.
        if job.operations and job.operations[0].startswith("INSTANCE_RENAME"):
            result = job.opresult[-1] if job.opresult else None
            if isinstance(result, str) and result != job.target_name:
                targets.renamed_to = result
                names.append(result)
        for name in names:
            try:
                targets.instances[name] = client.get_instance(name)
            except RapiNotFound:
                targets.instances[name] = None
    elif job.target_kind == Job.TargetKind.NODE and job.target_name:
        with contextlib.suppress(RapiNotFound):
            targets.node = client.get_node(job.target_name)
    return targets


# Ganeti may report a job done a moment before its queries show the result.
SETTLE_READS, SETTLE_PAUSE = 5, 0.2
# Operations whose success changes nothing GWM keeps of the VM (a reboot leaves it
# running, with the same configuration): waiting for a change would only delay the page.
NOTHING_TO_SETTLE = ("INSTANCE_REBOOT(",)


def fetch_settled_targets(job: Job, client: RapiClient) -> Targets:
    """fetch_targets, read again (briefly) while the VM looks exactly as GWM has it."""
    if job.operations and all(op.startswith(NOTHING_TO_SETTLE) for op in job.operations):
        return fetch_targets(job, client)
    for attempt in range(SETTLE_READS):
        targets = fetch_targets(job, client)
        if job.status != Job.Status.SUCCESS or not _unchanged(job, targets):
            return targets
        if attempt < SETTLE_READS - 1:
            time.sleep(SETTLE_PAUSE)
    return targets  # a job that changed nothing visible (e.g. tags already there)


def _unchanged(job: Job, targets: Targets) -> bool:
    instance = targets.instances.get(job.target_name)
    if instance is None or targets.renamed_to:
        return False
    stored = VirtualMachine.objects.filter(cluster_id=job.cluster_id, name=job.target_name)
    key = vm_records.vm_mapping({}).key(instance)
    return stored.filter(sync_key=key).exists()


def write_targets(job: Job, targets: Targets) -> None:
    cluster, now = job.cluster, timezone.now()
    vms = VirtualMachine.objects.filter(cluster=cluster)
    if targets.renamed_to and targets.instances.get(targets.renamed_to):
        # Keep the row, and what GWM attaches to it, under its new name.
        vms.filter(name=job.target_name).update(
            name=targets.renamed_to, name_key=name_key(targets.renamed_to)
        )
    node_ids = dict(Node.objects.filter(cluster=cluster).values_list("name", "pk"))
    for name, instance in targets.instances.items():
        if instance is None:
            vms.filter(name=name, missing=False).update(
                missing=True, missing_since=now, synced_at=now, sync_key=""
            )
            continue
        reconcile(
            VirtualMachine,
            cluster,
            {name: instance},
            vm_records.vm_mapping(node_ids, cluster.info.get("default_hypervisor") or ""),
            now,
            complete=False,
        )
        # A VM GWM created is GWM's, auto_import or not: off the import tools' list.
        PendingImport.objects.filter(cluster=cluster, kind="vm", name=name).delete()
        vm = vms.filter(name=name).first()
        if vm and job.virtual_machine_id != vm.pk:
            Job.objects.filter(pk=job.pk).update(virtual_machine=vm)
    if targets.instances:
        # The owners' holdings, in the transaction that wrote their VMs.
        named = [*targets.instances, job.target_name]
        holdings.refresh_vms(cluster, vms.filter(name__in=named))
    if targets.node:
        group_ids = dict(NodeGroup.objects.filter(cluster=cluster).values_list("uuid", "pk"))
        reconcile(
            Node,
            cluster,
            {targets.node.name: targets.node},
            node_records.node_mapping(group_ids),
            now,
            complete=False,
        )
