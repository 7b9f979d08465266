"""The sync's side of the import tools: keep PendingImport equal to what Ganeti has
that GWM has no row for, writing only what changed (as inventory.reconcile does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ganeti_webmgr.core.db import insert_rows, update_rows
from ganeti_webmgr.imports.models import PendingImport
from ganeti_webmgr.inventory.reconcile import BATCH, fetch_rows


@dataclass
class PendingChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # imported, or gone from Ganeti

    @property
    def written(self) -> int:
        return len(self.added) + len(self.updated) + len(self.dropped)


def record_pending(
    cluster, found: dict[str, dict[str, tuple[str, Any]]], now: datetime
) -> PendingChanges:
    """found: kind -> {name: (sync_key, Ganeti record)} (reconcile's Changes.pending) for
    every kind; a kind with none clears its list (auto_import back on, or all imported)."""
    changes = PendingChanges()
    existing = {
        (kind, name): (pk, key)
        for pk, kind, name, key in fetch_rows(
            PendingImport.objects.filter(cluster=cluster), "pk", "kind", "name", "sync_key"
        )
    }
    to_create, to_update, seen = [], [], set()
    for kind, items in found.items():
        for name, (key, item) in items.items():
            seen.add((kind, name))
            current = existing.get((kind, name))
            if current and current[1] == key:
                continue
            values = {"uuid": item.uuid or "", "raw": item.raw, "sync_key": key, "synced_at": now}
            if current is None:
                to_create.append(
                    {
                        **values,
                        "cluster_id": cluster.pk,
                        "kind": kind,
                        "name": name,
                        "first_seen": now,
                    }
                )
                changes.added.append(name)
            else:
                to_update.append({"pk": current[0], **values})
                changes.updated.append(name)
    update_rows(PendingImport, to_update, batch=BATCH)
    insert_rows(PendingImport, to_create, ignore_conflicts=True, batch=BATCH)
    dropped = [
        (pk, name) for (_kind, name), (pk, _key) in existing.items() if (_kind, name) not in seen
    ]
    pks = [pk for pk, _name in dropped]
    for start in range(0, len(pks), BATCH):
        PendingImport.objects.filter(pk__in=pks[start : start + BATCH]).delete()
    changes.dropped = [name for _pk, name in dropped]
    return changes
