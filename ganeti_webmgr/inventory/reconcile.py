"""Bring one table in line with the records Ganeti sent, writing only what changed.

Used for node groups, nodes and VMs alike: rows are matched by name (or, after
a rename in Ganeti, by UUID, so that what GWM attaches to a VM stays with it);
each row keeps a sync_key, a short text made of the fields whose change must be
written (Ganeti's serial_no/mtime and the run-time state that changes without
them), so an unchanged record costs one string comparison; only changed rows are
written, with executemany; rows Ganeti no longer has are marked missing, never
deleted. With create=False (a cluster whose auto_import is off) records GWM has no
row for are not created but returned in Changes.pending, for the import tools.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connections

from ganeti_webmgr.core.db import insert_rows, update_rows
from ganeti_webmgr.core.sorting import name_key

BATCH = 500


@dataclass
class Changes:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # newly marked missing
    unchanged: int = 0
    # New in Ganeti but not created (create=False): name -> (sync_key, Ganeti record).
    pending: dict[str, tuple[str, Any]] = field(default_factory=dict)

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated) + len(self.missing)

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "missing": len(self.missing),
            "unchanged": self.unchanged,
            "pending": len(self.pending),
        }


@dataclass(frozen=True)
class Mapping:
    """How one kind of Ganeti record becomes a row."""

    key: Callable[[Any], str]  # the sync_key: changes whenever the row must be written
    values: Callable[[Any], dict]  # every column but cluster, name and bookkeeping


def reconcile(
    model,
    cluster,
    items: dict[str, Any],
    mapping: Mapping,
    now: datetime,
    complete: bool = True,
    create: bool = True,
) -> Changes:
    """items: name -> Ganeti record.

    complete: items is everything the cluster has (a full sync), so absent rows
    are missing; False when refreshing a few objects after a job.
    create: False leaves records without a row (renames excepted) in changes.pending.
    """
    changes = Changes()
    rows = model.objects.filter(cluster=cluster)
    if not complete:
        rows = rows.filter(name__in=list(items))
    # Missing rows have an empty sync_key, so a reappearing one is always written.
    existing = {name: (pk, key) for pk, name, key in fetch_rows(rows, "pk", "name", "sync_key")}
    by_uuid = None  # read only when names appear that GWM does not know: renames?

    to_create, to_update, renamed_from = [], [], set()
    for name, item in items.items():
        key = mapping.key(item)
        current = existing.get(name)
        if current and current[1] == key:
            changes.unchanged += 1
            continue
        if current is None and complete and (uuid := _uuid(item)):
            if by_uuid is None:
                by_uuid = dict(rows.exclude(uuid="").values_list("uuid", "name"))
            old = by_uuid.get(uuid)
            if old and old not in items:  # renamed in Ganeti: keep the row
                current = existing[old]
                renamed_from.add(old)
        if current is None and not create:
            changes.pending[name] = (key, item)  # waiting: not mapped (may be thousands)
            continue
        values = {
            **mapping.values(item),
            "sync_key": key,
            "missing": False,
            "missing_since": None,
            "synced_at": now,
        }
        if current is None:
            to_create.append(
                {**values, "cluster_id": cluster.pk, "name": name, "name_key": name_key(name)}
            )
            changes.created.append(name)
        else:
            to_update.append({"pk": current[0], "name": name, "name_key": name_key(name), **values})
            changes.updated.append(name)

    update_rows(model, to_update, batch=BATCH)
    # A job's follow-up refresh may insert the same new VM meanwhile, from the same
    # Ganeti state: keep that row rather than fail the whole sync.
    insert_rows(model, to_create, ignore_conflicts=True, batch=BATCH)
    if complete:
        vanished = [
            (name, pk)
            for name, (pk, key) in existing.items()
            if name not in items and name not in renamed_from and key
        ]
        pks = [pk for _name, pk in vanished]
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).update(
                missing=True, missing_since=now, synced_at=now, sync_key=""
            )
        changes.missing = [name for name, _pk in vanished]
    return changes


def _uuid(item) -> str:
    """Ganeti's UUID of a record: node groups come as dicts, nodes and instances parsed."""
    return (item.get("uuid") if isinstance(item, dict) else getattr(item, "uuid", None)) or ""


def fetch_rows(queryset, *columns) -> list[tuple]:
    """The rows of values_list(*columns) from a plain cursor: for 10,000 rows, Django's
    row-by-row iteration costs several times what the database does."""
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
