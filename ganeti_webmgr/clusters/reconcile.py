"""Bring one table in line with the records Ganeti sent, writing only what changed.

Used for node groups, nodes and VMs alike: rows are matched by name (or, after
a rename in Ganeti, by UUID, so that what GWM attaches to a VM stays with it);
only rows whose compared columns differ are written, in bulk; rows Ganeti no
longer has are marked missing, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

BATCH = 500


@dataclass
class Changes:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # newly marked missing
    unchanged: int = 0

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated) + len(self.missing)

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "missing": len(self.missing),
            "unchanged": self.unchanged,
        }


def reconcile(
    model: type[models.Model],
    cluster,
    records: dict[str, dict],
    compare: tuple[str, ...],
    now: datetime,
    complete: bool = True,
) -> Changes:
    """records: name -> column values (every column but cluster/name/bookkeeping).

    compare: the columns whose change means the row must be written (Ganeti's
    serial_no/mtime plus the run-time fields that change without them).
    complete: records is everything the cluster has (a full sync), so absent
    rows are missing; False when refreshing a few objects after a job.
    """
    changes = Changes()
    rows = model.objects.filter(cluster=cluster)
    if not complete:
        rows = rows.filter(name__in=list(records))
    existing = {
        name: (pk, uuid, missing, tuple(values))
        for pk, name, uuid, missing, *values in rows.values_list(
            "pk", "name", "uuid", "missing", *compare
        )
    }
    renamed_from = _renames(model, cluster, records, existing) if complete else {}

    to_create, to_update = [], []
    for name, values in records.items():
        old_name = renamed_from.get(name, name)
        current = existing.get(old_name)
        if current is None:
            to_create.append(model(cluster=cluster, name=name, synced_at=now, **values))
            changes.created.append(name)
            continue
        pk, _uuid, missing, stored = current
        if old_name == name and not missing and stored == tuple(values[c] for c in compare):
            changes.unchanged += 1
            continue
        to_update.append(
            model(
                pk=pk,
                cluster=cluster,
                name=name,
                missing=False,
                missing_since=None,
                synced_at=now,
                **values,
            )
        )
        changes.updated.append(name)

    if to_update:
        fields = ["name", "missing", "missing_since", "synced_at", *records[to_update[0].name]]
        model.objects.bulk_update(to_update, fields, batch_size=BATCH)
    if to_create:
        # A job's follow-up refresh may insert the same new VM meanwhile, from the
        # same Ganeti state: keep that row rather than fail the whole sync.
        model.objects.bulk_create(to_create, batch_size=BATCH, ignore_conflicts=True)
    if complete:
        gone_from = set(renamed_from.values())
        vanished = [
            (name, pk)
            for name, (pk, _uuid, missing, _stored) in existing.items()
            if name not in records and name not in gone_from and not missing
        ]
        if vanished:
            pks = [pk for _name, pk in vanished]
            for start in range(0, len(pks), BATCH):
                model.objects.filter(pk__in=pks[start : start + BATCH]).update(
                    missing=True, missing_since=now, synced_at=now
                )
            changes.missing = [name for name, _pk in vanished]
    return changes


def _renames(model, cluster, records, existing) -> dict[str, str]:
    """new name -> old name, for records whose name is new but whose UUID GWM knows."""
    by_uuid = {uuid: name for name, (_pk, uuid, _m, _s) in existing.items() if uuid}
    renames = {}
    for name, values in records.items():
        uuid = values.get("uuid")
        old = by_uuid.get(uuid) if uuid else None
        if name not in existing and old and old not in records:
            renames[name] = old
    return renames
