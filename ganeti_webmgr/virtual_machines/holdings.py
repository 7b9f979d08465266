"""Keep each owner's Holding on a cluster equal to the sums over its VM rows.

Every write that changes what VMs count for calls refresh() in its own transaction,
after its writes: a sync (every owner of the cluster, when VM rows changed), a job's
refresh of its targets, an owner change, an import, a removal from GWM. refresh()
takes the cluster's row lock first and sums afterwards, in a statement of its own:
at READ COMMITTED (PostgreSQL, and MariaDB as GWM sets it up) the sums then see
every VM write committed by whoever held the lock before, so two transactions that
change one owner's VMs cannot leave a holding that misses either. On SQLite the
transaction's write lock already serialises writers.

What counts (as quotas/usage.py documents it): VMs neither deleted from GWM
(removed_at) nor gone from Ganeti (missing), owned by a user or a group.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.virtual_machines.models import Holding, VirtualMachine

# Owners per statement: well under every database's limit of parameters.
BATCH = 500
OWNER_COLUMNS = ("owner_user", "owner_group")


def refresh(cluster: Cluster | int, owners: Iterable | None = None) -> None:
    """Recompute the holdings of owners on cluster from its VM rows; owners None: of
    every owner (a sync). owners: Users, Groups, or (owner_user_id, owner_group_id)
    pairs as VM rows have them; None and (None, None) are nobody and skipped.
    Call inside the transaction that wrote the VMs."""
    cluster_id = cluster if isinstance(cluster, int) else cluster.pk
    if owners is None:
        ids = {"owner_user": None, "owner_group": None}
    else:
        ids = _ids(owners)
        if not any(ids.values()):
            return
    # The caller's transaction; a transaction of its own outside one (no savepoint).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _lock(cluster_id)
        for column, pks in ids.items():
            if pks is None:
                cursor.execute(_delete_sql(column, 0), [cluster_id])
                cursor.execute(_insert_sql(column, 0), [cluster_id, False])
                continue
            pks = sorted(pks)
            for start in range(0, len(pks), BATCH):
                chunk = pks[start : start + BATCH]
                cursor.execute(_delete_sql(column, len(chunk)), [cluster_id, *chunk])
                cursor.execute(_insert_sql(column, len(chunk)), [cluster_id, False, *chunk])


def refresh_vms(cluster: Cluster | int, vms) -> None:
    """refresh() for the owners of the VM rows of a queryset (as they are now)."""
    refresh(cluster, vms.values_list("owner_user_id", "owner_group_id").distinct().order_by())


def _ids(owners: Iterable) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {"owner_user": set(), "owner_group": set()}
    for owner in owners:
        if owner is None:
            continue
        if isinstance(owner, Group):
            ids["owner_group"].add(owner.pk)
        elif isinstance(owner, User):
            ids["owner_user"].add(owner.pk)
        else:
            user_id, group_id = owner
            if user_id is not None:
                ids["owner_user"].add(user_id)
            if group_id is not None:
                ids["owner_group"].add(group_id)
    return ids


def _lock(cluster_id: int) -> None:
    """The cluster's row, as a job's end and a sync's last write take it. FOR NO KEY
    UPDATE on PostgreSQL: rows inserted meanwhile that refer to the cluster (jobs)
    share-lock it for their foreign key, and need not wait."""
    no_key = connection.features.has_select_for_no_key_update
    rows = Cluster.objects.select_for_update(no_key=no_key).filter(pk=cluster_id)
    list(rows.values_list("pk"))


def _quote_column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


@functools.cache
def _delete_sql(owner_column: str, owners: int) -> str:
    """DELETE the holdings of the cluster's owners of one kind: all (owners 0), or the
    given ones."""
    column = functools.partial(_quote_column, Holding)
    where = f"{column('cluster')} = %s AND {column(owner_column)} IS NOT NULL"
    if owners:
        where += f" AND {column(owner_column)} IN ({', '.join(['%s'] * owners)})"
    table = connection.ops.quote_name(Holding._meta.db_table)
    return f"DELETE FROM {table} WHERE {where}"  # noqa: S608 - names from the models


@functools.cache
def _insert_sql(owner_column: str, owners: int) -> str:
    """INSERT ... SELECT the sums per owner of one kind (all, or the given ones) from the
    VM rows: one statement, read from the covering index vm_usage_<kind>_idx.
    Parameters: the cluster, False (not missing), the owners."""
    holding = functools.partial(_quote_column, Holding)
    vm = functools.partial(_quote_column, VirtualMachine)
    other = OWNER_COLUMNS[1 - OWNER_COLUMNS.index(owner_column)]

    def total(value: str, running: bool = False) -> str:
        if running:
            value = f"CASE WHEN {vm('oper_state')} THEN {value} ELSE 0 END"
        return f"COALESCE(SUM({value}), 0)"

    targets = {
        "cluster": vm("cluster"),
        owner_column: vm(owner_column),
        other: "NULL",
        "ram_running": total(vm("memory"), running=True),
        "vcpus_running": total(vm("vcpus"), running=True),
        "ram_all": total(vm("memory")),
        "vcpus_all": total(vm("vcpus")),
        "disk_all": total(vm("disk_size")),
        "vms_all": "COUNT(*)",
    }
    where = (
        f"{vm('cluster')} = %s AND {vm(owner_column)} IS NOT NULL "
        f"AND {vm('removed_at')} IS NULL AND {vm('missing')} = %s"
    )
    if owners:
        where += f" AND {vm(owner_column)} IN ({', '.join(['%s'] * owners)})"
    table = connection.ops.quote_name(Holding._meta.db_table)
    vms = connection.ops.quote_name(VirtualMachine._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(holding(name) for name in targets)}) "  # noqa: S608
        f"SELECT {', '.join(targets.values())} FROM {vms} WHERE {where} "
        f"GROUP BY {vm('cluster')}, {vm(owner_column)}"
    )
