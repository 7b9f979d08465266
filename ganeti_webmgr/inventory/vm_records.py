"""How Ganeti's instance records become VirtualMachine rows."""

from __future__ import annotations

from ganeti_webmgr.ganeti import Instance
from ganeti_webmgr.inventory.reconcile import Mapping
from ganeti_webmgr.virtual_machines.hvparams import guess_hypervisor
from ganeti_webmgr.virtual_machines.models import search_text


def vm_mapping(node_ids: dict[str, int], default_hypervisor: str = "") -> Mapping:
    """node_ids: node name -> Node pk."""
    return Mapping(
        key=_key, values=lambda instance: _values(instance, node_ids, default_hypervisor)
    )


def _key(i: Instance) -> str:
    # Ganeti bumps serial_no/mtime on every configuration change (admin state, tags,
    # parameters); the run-time state changes without: running or not (in status,
    # with the admin state), memory and CPUs in use, where it runs after a failover.
    return f"{i.serial_no}|{i.mtime!r}|{i.status}|{i.oper_ram}|{i.oper_vcpus}|{i.primary_node}"


def _values(instance: Instance, node_ids: dict[str, int], default_hypervisor: str) -> dict:
    raw = instance.raw
    beparams = raw.get("beparams") if isinstance(raw.get("beparams"), dict) else {}
    hvparams = raw.get("hvparams") if isinstance(raw.get("hvparams"), dict) else {}
    secondary = instance.secondary_nodes[0] if instance.secondary_nodes else None
    minmem = beparams.get("minmem")
    tags_text = f" {' '.join(instance.tags)} " if instance.tags else ""
    return {
        "uuid": instance.uuid or "",
        "status": instance.status or "",
        "admin_state": instance.admin_state or "",
        "oper_state": instance.oper_state,
        "os": instance.os or "",
        "hypervisor": raw.get("hypervisor") or guess_hypervisor(hvparams, default_hypervisor),
        "disk_template": instance.disk_template or "",
        "primary_node_id": node_ids.get(instance.primary_node or ""),
        "secondary_node_id": node_ids.get(secondary) if secondary else None,
        "memory": instance.memory,
        "minmem": minmem if isinstance(minmem, int) else None,
        "vcpus": instance.vcpus,
        "oper_ram": instance.oper_ram,
        "oper_vcpus": instance.oper_vcpus,
        "disk_size": sum(instance.disk_sizes),
        "disk_count": len(instance.disk_sizes),
        "nic_ips": instance.nic_ips,
        "nic_macs": instance.nic_macs,
        "tags": instance.tags,
        "tags_text": tags_text,
        "search_text": search_text(
            instance.name, instance.nic_ips, instance.nic_macs, instance.os or "", tags_text
        ),
        "ctime": instance.ctime,
        "mtime": instance.mtime,
        "serial_no": instance.serial_no,
        "raw": raw,
        "removed_at": None,  # Ganeti has it: not (or no longer) deleted
    }
