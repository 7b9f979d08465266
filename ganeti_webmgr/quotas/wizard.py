"""The creation wizard's view of a quota: what the chosen owner has left, per
resource, and what would be left after the VMs under review."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.units import format_mib
from ganeti_webmgr.quotas import demand, usage

FIELDS = {"ram": "memory", "disk": "disk_sizes", "vcpus": "vcpus", "vms": "count"}


@dataclass
class Room:
    resource: str
    label: str
    used: str
    limit: str
    left: str
    after: str  # "" without a request under review
    over: bool  # the request does not fit


def rooms(cluster: Cluster, owner, params: dict | None) -> list[Room]:
    """Per limited resource of owner's quota on cluster; [] when it has no limits."""
    limits = usage.limits(cluster, owner)
    if limits.unlimited:
        return []
    now = usage.OwnerUsage(owner, usage.used(cluster, owner), limits)
    wanted = demand.create(cluster, params)[1] if params else usage.Amount()
    result = []
    for row in now.rows():
        if row["limit"] is None:
            continue
        r, room = row["resource"], row["limit"] - row["used"] - getattr(wanted, row["resource"])
        show = format_mib if r in ("ram", "disk") else str
        result.append(
            Room(
                r,
                row["label"],
                row["used_text"],
                row["limit_text"],
                row["left_text"],
                show(room) if params and room >= 0 else "",
                bool(params) and room < 0 and getattr(wanted, r) > 0,
            )
        )
    return result


def field_help(rooms_: list[Room]) -> dict[str, str]:
    """The wizard's field names -> "N left in the quota" (for their help texts)."""
    return {
        FIELDS[room.resource]: _("%(left)s left of %(limit)s in the quota")
        % {"left": room.left, "limit": room.limit}
        for room in rooms_
    }
