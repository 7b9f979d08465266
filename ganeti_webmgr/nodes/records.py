"""Columns of NodeGroup and Node from Ganeti's records (what sync compares and writes)."""

from __future__ import annotations

from ganeti_webmgr.ganeti import Node as RapiNode

# Nodes and groups are few: compare every column that can change.
GROUP_COMPARE = ("uuid", "alloc_policy", "serial_no", "mtime")
NODE_COMPARE = (
    "uuid",
    "serial_no",
    "mtime",
    "role",
    "offline",
    "drained",
    "master_candidate",
    "vm_capable",
    "group_id",
    "memory_total",
    "memory_free",
    "disk_total",
    "disk_free",
    "cpu_total",
    "primary_count",
    "secondary_count",
    "primary_ip",
    "secondary_ip",
)


def group_values(group: dict) -> dict:
    return {
        "uuid": group.get("uuid") or "",
        "alloc_policy": group.get("alloc_policy") or "",
        "tags": list(group.get("tags") or []),
        "ctime": _float(group.get("ctime")),
        "mtime": _float(group.get("mtime")),
        "serial_no": group.get("serial_no"),
        "raw": group,
    }


def node_values(node: RapiNode, group_ids: dict[str, int]) -> dict:
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
