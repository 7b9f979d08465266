"""How Ganeti's node group and node records become NodeGroup and Node rows."""

from __future__ import annotations

from ganeti_webmgr.ganeti import Node as RapiNode
from ganeti_webmgr.inventory.reconcile import Mapping


def group_mapping() -> Mapping:
    return Mapping(key=_group_key, values=_group_values)


def node_mapping(group_ids: dict[str, int]) -> Mapping:
    """group_ids: Ganeti group UUID -> NodeGroup pk."""
    return Mapping(key=_node_key, values=lambda node: _node_values(node, group_ids))


def _group_key(group: dict) -> str:
    return "|".join(str(group.get(k)) for k in ("uuid", "alloc_policy", "serial_no", "mtime"))


def _group_values(group: dict) -> dict:
    return {
        "uuid": group.get("uuid") or "",
        "alloc_policy": group.get("alloc_policy") or "",
        "tags": list(group.get("tags") or []),
        "ctime": _float(group.get("ctime")),
        "mtime": _float(group.get("mtime")),
        "serial_no": group.get("serial_no"),
        "raw": group,
    }


def _node_key(node: RapiNode) -> str:
    # Nodes are few: every column that can change, run-time capacity included.
    raw = node.raw
    return "|".join(
        str(v)
        for v in (
            node.uuid,
            raw.get("serial_no"),
            raw.get("mtime"),
            node.role,
            node.offline,
            node.drained,
            node.master_candidate,
            node.vm_capable,
            node.group_uuid,
            node.memory_total,
            node.memory_free,
            node.disk_total,
            node.disk_free,
            node.cpu_total,
            len(node.primary_instances),
            len(node.secondary_instances),
            node.primary_ip,
            node.secondary_ip,
        )
    )


def _node_values(node: RapiNode, group_ids: dict[str, int]) -> dict:
    raw = node.raw
    return {
        "uuid": node.uuid or "",
        "role": node.role or "",
        "offline": node.offline,
        "drained": node.drained,
        "master_candidate": node.master_candidate,
        "vm_capable": node.vm_capable,
        "group_id": group_ids.get(node.group_uuid or ""),
        "primary_ip": node.primary_ip or "",
        "secondary_ip": node.secondary_ip or "",
        "memory_total": node.memory_total,
        "memory_free": node.memory_free,
        "disk_total": node.disk_total,
        "disk_free": node.disk_free,
        "cpu_total": node.cpu_total,
        "primary_count": len(node.primary_instances),
        "secondary_count": len(node.secondary_instances),
        "tags": node.tags,
        "ctime": _float(raw.get("ctime")),
        "mtime": _float(raw.get("mtime")),
        "serial_no": raw.get("serial_no"),
        "raw": raw,
    }


def _float(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
