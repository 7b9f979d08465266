"""VM list benchmark: the real page (/vms/ and a cluster's /clusters/NAME/vms/) at 10,000 VMs.

    python bench/vm_list.py sqlite|postgresql|mysql

10,000 VMs in 10 clusters of 8 nodes, with states, owners, operating systems, tags,
addresses and MACs. Requests go through Django's test client (URL routing,
middleware, the view, the template), logged in as a superuser and as a plain user
whose grants come through 3 groups (as bench/permissions.py). For each filter, each
sort, the page sizes and a deep page it prints the median (p50) and best time per
page of 7 (and the CPU time of this process, which holds SQLite too: the figure to
trust on a busy machine), and the SQL queries of the page with their time (goal:
p50 <= 50 ms per page). Then the export of all 10,000 as CSV and JSON, streamed:
its time and the peak of Python memory (tracemalloc) while it is read, against
the same rows held in one list. Run by `make bench`.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from permissions import grants_through_groups
from sync import django_site

CLUSTERS, NODES, PER_CLUSTER, PAGE = 10, 8, 1000, 50
GOAL_MS = 50
REPEAT = 7  # the median, and the best (what the code costs, without the machine's noise)
STATES = ["running"] * 7 + ["ADMIN_down"] * 2 + ["ERROR_down"]
OSES = ["debootstrap+default", "image+debian-12", "image+ubuntu-24.04", "noop"]
TAGS = ["web", "db", "batch", "prod", "test"]


def populate():
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.core.db import insert_rows
    from ganeti_webmgr.core.sorting import name_key
    from ganeti_webmgr.ganeti.simulator import SimCluster
    from ganeti_webmgr.nodes.models import Node
    from ganeti_webmgr.virtual_machines.models import VirtualMachine, search_text

    # Ganeti's records as the sync keeps them (in `raw`, about 1 KB each): rows as
    # wide as a real site's, which matters to what a page query reads and sorts.
    sim = SimCluster.generate(nodes=1, instances=1)
    instance_raw, node_raw = next(iter(sim.instances.values())), next(iter(sim.nodes.values()))
    clusters = [
        Cluster.objects.create(slug=f"c{n}", hostname=f"c{n}.example.org") for n in range(CLUSTERS)
    ]
    insert_rows(
        Node,
        [
            {
                "cluster_id": c.pk,
                "name": f"node{n}.{c.slug}",
                "name_key": name_key(f"node{n}.{c.slug}"),
                "role": "regular",
                "raw": node_raw,
            }
            for c in clusters
            for n in range(NODES)
        ],
    )
    nodes = {(n.cluster_id, n.name): n.pk for n in Node.objects.all()}
    owners = [User.objects.create_user(f"owner{n}") for n in range(20)]
    teams = [Group.objects.create(name=f"team{n}") for n in range(5)]
    rows = []
    for c in clusters:
        for n in range(PER_CLUSTER):
            number = c.pk * PER_CLUSTER + n
            primary = nodes[(c.pk, f"node{n % NODES}.{c.slug}")]
            secondary = nodes[(c.pk, f"node{(n + 1) % NODES}.{c.slug}")]
            owner = {}
            if n % 3 == 0:
                owner["owner_user_id"] = owners[n % len(owners)].pk
            elif n % 3 == 1:
                owner["owner_group_id"] = teams[n % len(teams)].pk
            tags = sorted({TAGS[n % len(TAGS)], TAGS[(n // 5) % len(TAGS)]})
            tags_text = f" {' '.join(tags)} "
            name = f"vm{number}.{c.slug}.example.org"  # natural order differs from text's
            ips = [f"10.{c.pk}.{n // 256}.{n % 256}"]
            macs = [f"aa:00:00:{c.pk:02x}:{n // 256:02x}:{n % 256:02x}"]
            os = OSES[n % len(OSES)]
            rows.append(
                {
                    "cluster_id": c.pk,
                    "name": name,
                    "name_key": name_key(name),
                    "status": STATES[n % len(STATES)],
                    "os": os,
                    "primary_node_id": primary,
                    "secondary_node_id": secondary,
                    "memory": 512 * (1 + n % 16),
                    "vcpus": 1 + n % 8,
                    "disk_size": 10240 * (1 + n % 10),
                    "disk_count": 1,
                    "nic_ips": ips,
                    "nic_macs": macs,
                    "tags": tags,
                    "tags_text": tags_text,
                    "search_text": search_text(name, ips, macs, os, tags_text),
                    "raw": instance_raw,
                    "sync_key": f"{n}|1700000000.0|running|512|1|node0",
                    **owner,
                }
            )
    insert_rows(VirtualMachine, rows)
    superuser = User.objects.create_superuser("root")
    user = grants_through_groups(clusters, wide=3, admin_of=5)
    # A site's server keeps its statistics current (PostgreSQL's autovacuum, InnoDB's
    # recalculation, both in the background); right after a bulk insert they are not,
    # and the planner would scan and sort the whole table for a page. Autovacuum also
    # marks the pages all-visible, which PostgreSQL's index-only scans need. The
    # grants too: without their statistics, PostgreSQL expects a handful.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "mysql":
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"ANALYZE TABLE {table}")
                cursor.fetchall()
    return {"superuser": superuser, "grants via 3 groups": user}


def cases(deep_page: int) -> list[tuple[str, str, dict]]:
    from ganeti_webmgr.virtual_machines.filters import VM_LIST

    return [
        ("all, first page", "/vms/", {}),
        ("one cluster's list", "/clusters/c5/vms/", {}),
        ("filter cluster", "/vms/", {"cluster": "c5"}),
        ("filter node (short name)", "/vms/", {"node": "node3"}),
        ("filter node (full name)", "/vms/", {"node": "node3.c5"}),
        ("filter state running", "/vms/", {"state": "running"}),
        ("filter state stopped", "/vms/", {"state": "stopped"}),
        ("filter state error", "/vms/", {"state": "error"}),
        ("filter owner user:NAME", "/vms/", {"owner": "user:owner3"}),
        ("filter owner group:NAME", "/vms/", {"owner": "group:team2"}),
        ("filter owner NAME", "/vms/", {"owner": "team2"}),
        ("filter OS", "/vms/", {"os": "debian"}),
        ("filter tag", "/vms/", {"tag": "db"}),
        ("search name", "/vms/", {"q": "vm512"}),
        ("search IP", "/vms/", {"q": "10.5.3."}),
        ("search MAC", "/vms/", {"q": "aa:00:00:05:03"}),
        ("search owner", "/vms/", {"q": "team2"}),
        ("search + filters", "/vms/", {"q": "vm5", "state": "running", "owner": "team2"}),
        *[(f"sort {key}", "/vms/", {"sort": key}) for key in VM_LIST.sorts],
        *[(f"sort -{key}", "/vms/", {"sort": f"-{key}"}) for key in ("name", "node")],
        ("100 per page, all columns", "/vms/", {"per_page": 100, "cols": ALL_COLUMNS}),
        ("250 per page", "/vms/", {"per_page": 250}),
        (f"deep page {deep_page}", "/vms/", {"page": deep_page}),
        (f"deep page {deep_page}, sort -node", "/vms/", {"sort": "-node", "page": deep_page}),
    ]


ALL_COLUMNS = "name,cluster,state,node,secondary,memory,vcpus,disk,os,ips,tags,owner"
COUNT = re.compile(rb'<span class="list-count">(\d+) virtual machines?\.</span>')


def measure(engine: str, role: str, user) -> list[float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ganeti_webmgr.permissions.rules import visible
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    client = Client()
    client.force_login(user)
    total = visible(user, VirtualMachine.objects.filter(missing=False)).count()
    deep = max(1, (total // PAGE) * 3 // 4)
    print(f"[{engine}] VM list as {role} ({total} VMs visible of {CLUSTERS * PER_CLUSTER}):")
    medians = []
    for label, url, query in cases(deep):
        client.get(url, query)  # warm: sessions, content types, template cache
        times, cpu = [], []
        for _ in range(REPEAT):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, query)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, query, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        matched = COUNT.search(response.content)
        p50, best = statistics.median(times) * 1000, min(times) * 1000
        sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        medians.append(p50)
        flag = "" if p50 <= GOAL_MS else "   SLOW"
        print(
            f"[{engine}]   {label:34s} p50 {p50:6.1f} ms (best {best:6.1f}, "
            f"CPU {statistics.median(cpu) * 1000:5.1f})  {len(queries):2d} queries "
            f"({sql:5.1f} ms in SQL)  {int(matched[1]) if matched else 0:5d} match{flag}"
        )
    return medians


def _read(response) -> tuple[int, int]:
    size = lines = 0
    for part in response.streaming_content:
        size += len(part)
        lines += part.count(b"\n")
    return size, lines


def measure_export(engine: str, user) -> None:
    """The whole list as CSV and JSON: streamed, against the same rows in one list."""
    from django.test import Client

    from ganeti_webmgr.virtual_machines.filters import EXPORT_FIELDS
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    client = Client()
    client.force_login(user)
    client.get("/vms/export", {"format": "csv", "cluster": "c1"})  # warm
    for fmt in ("csv", "json"):
        # Timed without tracemalloc (which slows every allocation), then measured with it.
        started, started_cpu = time.perf_counter(), time.process_time()
        size, lines = _read(client.get("/vms/export", {"format": fmt}))
        took, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        tracemalloc.start()
        _read(client.get("/vms/export", {"format": fmt}))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"[{engine}]   export {fmt:4s} {lines - 1:6d} lines, {size / 1e6:5.1f} MB in "
            f"{took * 1000:6.0f} ms (CPU {cpu * 1000:6.0f}), peak Python memory "
            f"{peak / 2**20:5.1f} MiB"
        )
    tracemalloc.start()
    held = list(
        VirtualMachine.objects.filter(removed_at=None, missing=False).values_list(
            *(field for _key, field in EXPORT_FIELDS)
        )
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"[{engine}]   (the same {len(held)} rows held in one list: {peak / 2**20:5.1f} MiB)")


def main(engine: str) -> int:
    with django_site(engine, pages=True):
        users = populate()
        slowest = 0.0
        for role, user in users.items():
            slowest = max(slowest, *measure(engine, role, user))
        print(f"[{engine}] export of the whole list as superuser:")
        measure_export(engine, users["superuser"])
        print(f"[{engine}] slowest page p50 {slowest:.1f} ms (goal <= {GOAL_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
