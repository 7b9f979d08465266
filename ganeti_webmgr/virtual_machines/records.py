"""Columns of VirtualMachine from Ganeti's instance records."""

from __future__ import annotations

from ganeti_webmgr.ganeti import Instance

# Ganeti bumps serial_no/mtime on every configuration change; the run-time state
# (running or not, memory in use, where it runs after a failover) changes without.
COMPARE = (
    "serial_no",
    "mtime",
    "status",
    "admin_state",
    "oper_state",
    "oper_ram",
    "oper_vcpus",
    "primary_node_id",
    "uuid",
)


def vm_values(instance: Instance, node_ids: dict[str, int]) -> dict:
    raw = instance.raw
    beparams = raw.get("beparams") if isinstance(raw.get("beparams"), dict) else {}
    secondary = instance.secondary_nodes[0] if instance.secondary_nodes else None
    return {
        "uuid": instance.uuid or "",
        "status": instance.status or "",
        "admin_state": instance.admin_state or "",
        "oper_state": instance.oper_state,
        "os": instance.os or "",
        "hypervisor": raw.get("hypervisor") or "",
        "disk_template": instance.disk_template or "",
        "primary_node_id": node_ids.get(instance.primary_node or ""),
        "secondary_node_id": node_ids.get(secondary) if secondary else None,
        "memory": instance.memory,
        "minmem": beparams.get("minmem") if isinstance(beparams.get("minmem"), int) else None,
        "vcpus": instance.vcpus,
        "oper_ram": instance.oper_ram,
        "oper_vcpus": instance.oper_vcpus,
        "disk_size": sum(instance.disk_sizes),
        "disk_count": len(instance.disk_sizes),
        "nic_ips": instance.nic_ips,
        "nic_macs": instance.nic_macs,
        "tags": instance.tags,
        "tags_text": f" {' '.join(instance.tags)} " if instance.tags else "",
        "ctime": instance.ctime,
        "mtime": instance.mtime,
        "serial_no": instance.serial_no,
        "raw": raw,
    }
