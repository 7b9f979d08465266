"""Quota benchmark: the check and reservation a create makes, and the dashboard's
usage figures, for an owner of 100 and of 10,000 VMs.

    python bench/quotas.py sqlite|postgresql|mysql

One cluster; the owner's VMs (three in four running) and 50 pending reservations.
Per size it prints the SQL queries, the best time and the median CPU time (this
process's: SQLite's work included, the machine's load not) of recording a
create's job without quotas and with them (lock the owner, read usage, check,
write the reservation; each in a transaction, rolled back), the difference being
the quota's part, and of the dashboard's usage (usage.overview).
Goals: the check and reservation at most 5 ms with as many queries at 10,000 VMs as
at 100; the usage figures in one query. Run by `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync import django_site

SIZES = (100, 10_000)
REPEAT = 50


class Rollback(Exception):
    pass


def populate(size: int, owner, cluster) -> None:
    from django.db import transaction

    from ganeti_webmgr.core.db import insert_rows
    from ganeti_webmgr.jobs.models import Job
    from ganeti_webmgr.quotas.models import Quota, Reservation
    from ganeti_webmgr.virtual_machines import holdings
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    VirtualMachine.objects.filter(cluster=cluster).delete()
    Job.objects.filter(cluster=cluster).delete()
    insert_rows(
        VirtualMachine,
        [
            {
                "cluster_id": cluster.pk,
                "name": f"vm{n:05d}.example.org",
                "status": "running" if n % 4 else "ADMIN_down",
                "oper_state": bool(n % 4),
                "memory": 1024,
                "vcpus": 2,
                "disk_size": 10240,
                "owner_user_id": owner.pk,
            }
            for n in range(size)
        ],
    )
    with transaction.atomic():  # as a sync does after writing VM rows
        holdings.refresh(cluster)
    for _ in range(50):
        job = Job.objects.create(cluster=cluster, status="submitting", requested_by=owner)
        Reservation.objects.create(cluster=cluster, owner_user=owner, job=job, ram=512, vms=1)
    Quota.objects.update_or_create(
        cluster=cluster, owner_user=owner, defaults={"ram": 10**9, "vms": 10**6}
    )


def measure(work) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()  # warm
    times, cpu = [], []
    for _ in range(REPEAT):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    with CaptureQueriesContext(connection) as queries:
        work()
    # CPU: this process's, SQLite's work included; the figure to trust on a busy machine.
    return min(times) * 1000, statistics.median(cpu) * 1000, len(queries)


def main(engine: str) -> int:
    with django_site(engine):
        from django.contrib.auth.models import User
        from django.db import transaction

        from ganeti_webmgr.clusters.models import Cluster
        from ganeti_webmgr.jobs.models import Job
        from ganeti_webmgr.quotas import reserve, usage

        owner = User.objects.create_user("owner")
        cluster = Cluster.objects.create(slug="c", hostname="c.example.org")
        demand = usage.Amount(ram=1024, disk=10240, vcpus=2, vms=1)

        def check_and_reserve():
            try:
                with transaction.atomic():
                    reserve.check(cluster, owner, demand)
                    job = Job.objects.create(cluster=cluster, status="submitting")
                    reserve.keep(cluster, owner, demand, job, overridden=False)
                    raise Rollback
            except Rollback:
                pass

        def job_alone():  # what recording a create costs without quotas
            try:
                with transaction.atomic():
                    Job.objects.create(cluster=cluster, status="submitting")
                    raise Rollback
            except Rollback:
                pass

        def dashboard():
            usage.overview(owner, [cluster])

        def figures():
            return usage.by_cluster(owner)

        print(f"[{engine}] quotas: one owner's VMs on one cluster, 50 pending reservations")
        worst, counts = 0.0, {}
        for size in SIZES:
            populate(size, owner, cluster)
            for label, work in (
                ("job alone", job_alone),
                ("check + reservation", check_and_reserve),
                ("dashboard usage", dashboard),
                ("  of which the figures", figures),
            ):
                best, median, queries = measure(work)
                counts.setdefault(label, []).append(queries)
                extra = ""
                if label == "job alone":
                    alone, alone_best = median, best
                if label == "check + reservation":
                    # SQLite works in this process: its CPU time says it all. A
                    # database server's time shows in the wall time only.
                    part = median - alone if engine == "sqlite" else best - alone_best
                    worst = max(worst, part)
                    extra = f"  (the quota's part: {part:.2f} ms)"
                print(
                    f"[{engine}]   {size:6d} VMs  {label:24s} best {best:6.2f} ms, "
                    f"median CPU {median:6.2f} ms, {queries} queries{extra}"
                )
        same = counts["check + reservation"][0] == counts["check + reservation"][-1]
        kind = "CPU" if engine == "sqlite" else "best wall"
        print(
            f"[{engine}] the quota's part of a create ({kind} time): "
            f"at most {worst:.2f} ms (goal <= 5 ms), "
            f"queries {'constant' if same else 'GROW'} ({counts['check + reservation']}); "
            f"usage figures: {counts['  of which the figures'][-1]} query (goal 1)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
