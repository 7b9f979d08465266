"""Permission benchmark: the VM list of a plain user whose grants come through 3 groups.

    python bench/permissions.py sqlite|postgresql|mysql

10,000 VMs in 50 clusters. Prints the SQL query count of one page (count + 50 rows)
at 1,000 and at 10,000 VMs (it must not grow), and the server time per page
(goal <= 50 ms). Run by `make bench`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync import django_site

CLUSTERS, PER_CLUSTER, PAGE = 50, 200, 50


def populate(vms_per_cluster: int):
    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.core.db import insert_rows
    from ganeti_webmgr.core.sorting import name_key
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    clusters = [
        Cluster.objects.create(slug=f"c{n}", hostname=f"c{n}.example.org") for n in range(CLUSTERS)
    ]
    insert_rows(
        VirtualMachine,
        [
            {
                "cluster_id": c.pk,
                "name": f"vm{n:05d}.{c.slug}",
                "name_key": name_key(f"vm{n:05d}.{c.slug}"),
                "status": "running",
            }
            for c in clusters
            for n in range(vms_per_cluster)
        ],
    )
    return grants_through_groups(clusters, wide=10, admin_of=10)


def grants_through_groups(clusters, wide: int, admin_of: int):
    """The user "plain", whose grants come through 3 groups: power on every VM of the
    first `wide` clusters, modify on every 7th VM, admin of cluster `admin_of`; plus
    power on the last 100 VMs of their own."""
    from django.contrib.auth.models import Group, Permission, User

    from ganeti_webmgr.permissions.models import (
        ClusterGroupPermission,
        VirtualMachineGroupPermission,
        VirtualMachineUserPermission,
    )
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    user = User.objects.create_user("plain")
    groups = [Group.objects.create(name=f"g{n}") for n in range(3)]
    user.groups.add(*groups)
    perm = {
        code: Permission.objects.get(codename=code, content_type__app_label=app)
        for app, code in (
            ("virtual_machines", "power"),
            ("virtual_machines", "modify"),
            ("clusters", "admin"),
        )
    }
    vms = list(VirtualMachine.objects.values_list("pk", "cluster_id"))
    by_cluster = {c.pk: n for n, c in enumerate(clusters)}
    grants = []
    for pk, cluster_id in vms:
        if by_cluster[cluster_id] < wide:  # group 0: power on every VM of those clusters
            grants.append(
                VirtualMachineGroupPermission(
                    group=groups[0], content_object_id=pk, permission=perm["power"]
                )
            )
        if pk % 7 == 0:  # group 2: modify on every 7th VM anywhere
            grants.append(
                VirtualMachineGroupPermission(
                    group=groups[2], content_object_id=pk, permission=perm["modify"]
                )
            )
    VirtualMachineGroupPermission.objects.bulk_create(grants, batch_size=1000)
    ClusterGroupPermission.objects.create(
        group=groups[1], content_object=clusters[admin_of], permission=perm["admin"]
    )  # group 1: one cluster
    VirtualMachineUserPermission.objects.bulk_create(
        [
            VirtualMachineUserPermission(user=user, content_object_id=pk, permission=perm["power"])
            for pk, _ in vms[-100:]
        ],
        batch_size=1000,
    )
    return user


def page(user, number: int):
    from django.core.paginator import Paginator

    from ganeti_webmgr.permissions.rules import visible
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    queryset = visible(user, VirtualMachine.objects.select_related("cluster").order_by("name"))
    paginator = Paginator(queryset, PAGE)
    rows = list(paginator.get_page(number).object_list)
    return paginator.count, rows


def measure(engine: str, vms_per_cluster: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        user = populate(vms_per_cluster)
        user = type(user).objects.get(pk=user.pk)  # fresh: no cached permissions
        total = CLUSTERS * vms_per_cluster
        with CaptureQueriesContext(connection) as queries:
            count, _ = page(user, 1)
        times = []
        for number in (1, 10, count // PAGE):  # first, middle, last page
            for _ in range(3):
                started = time.perf_counter()
                page(type(user).objects.get(pk=user.pk), number)
                times.append(time.perf_counter() - started)
        print(
            f"[{engine}] VM list of a user with grants through 3 groups, {total:6d} VMs in "
            f"{CLUSTERS} clusters: {count} visible, {len(queries)} SQL queries per page, "
            f"best {min(times) * 1000:.1f} ms / worst {max(times) * 1000:.1f} ms per page "
            f"(goal <= 50 ms)"
        )
        transaction.set_rollback(True)


def main(engine: str) -> int:
    with django_site(engine):
        measure(engine, PER_CLUSTER // 10)
        measure(engine, PER_CLUSTER)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
