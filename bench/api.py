"""REST API benchmark: lists, details and an action through /api/v1/ at 10,000 VMs.

    python bench/api.py sqlite|postgresql|mysql

The VM list benchmark's site (bench/vm_list.py: 10,000 VMs in 10 clusters, a
superuser and a user whose grants come through 3 groups). Requests go through
Django's test client with an API token in the Authorization header, as a script
sends them. For each case it prints the median (p50), the best and this process's
CPU time of 15 requests, and the SQL queries. Then the same cases with 100 VMs:
the query counts must be the same (they may not grow with the VMs).
Goals: a list page of 100 VMs p50 <= 50 ms, a detail p50 <= 10 ms, an action's POST
to its recorded job p50 <= 100 ms. Run by `make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync import django_site
from vm_list import populate

REPEAT = 15
GOALS = {"list": 50, "detail": 10, "action": 100}


def cases(vm) -> list[tuple[str, str, str, dict]]:
    """(kind, label, path, query) of the GET requests."""
    detail = f"/api/v1/clusters/{vm.cluster.slug}/vms/{vm.name}/"
    return [
        ("list", "VMs, first page of 100", "/api/v1/vms/", {"limit": 100}),
        ("list", "VMs, one cluster", f"/api/v1/clusters/{vm.cluster.slug}/vms/", {"limit": 100}),
        ("list", "VMs, filter state", "/api/v1/vms/", {"limit": 100, "state": "running"}),
        ("list", "VMs, filter owner", "/api/v1/vms/", {"limit": 100, "owner": "group:team2"}),
        ("list", "VMs, search", "/api/v1/vms/", {"limit": 100, "q": "vm5"}),
        ("list", "VMs, 30th page (cursor)", "/api/v1/vms/", {"limit": 100, "deep": 30}),
        ("list", "jobs", "/api/v1/jobs/", {"limit": 100}),
        ("detail", "VM", detail, {}),
        ("detail", "VM, If-None-Match (304)", detail, {"etag": True}),
        ("detail", "cluster", f"/api/v1/clusters/{vm.cluster.slug}/", {}),
    ]


def _deep(client, path, query, pages):
    """The query of the pages-th page, following the cursor links."""
    url, params = path, dict(query)
    for _ in range(pages):
        link = client.get(url, params).json()["next"]
        if link is None:  # fewer pages: the last
            break
        url, params = link.replace("http://testserver", ""), {}
    return url, params


def timed(request) -> tuple[list[float], list[float], object]:
    times, cpu, response = [], [], None
    for _ in range(REPEAT):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = request()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return times, cpu, response


def count_queries(request) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)


def run(engine: str, role: str, client, vm, action_path: str) -> dict[str, tuple]:
    """{label: (kind, p50, queries)} for role's requests."""
    results = {}
    for kind, label, path, query in cases(vm):
        query = dict(query)
        headers = {}
        if query.pop("etag", False):
            headers["HTTP_IF_NONE_MATCH"] = client.get(path)["ETag"]
        if pages := query.pop("deep", 0):
            path, query = _deep(client, path, query, pages - 1)

        def request(path=path, query=query, headers=headers):
            return client.get(path, query, **headers)

        request()  # warm
        times, cpu, response = timed(request)
        assert response.status_code in (200, 304), (path, response.status_code, response.content)
        queries = count_queries(request)
        results[label] = (kind, statistics.median(times) * 1000, queries)
        _print(engine, label, times, cpu, queries, GOALS[kind])

    def post():
        return client.post(action_path, {}, format="json")

    post()
    times, cpu, response = timed(post)
    assert response.status_code == 202, (action_path, response.status_code, response.content)
    queries = count_queries(post)
    results["action"] = ("action", statistics.median(times) * 1000, queries)
    _print(engine, f"POST {action_path.rsplit('/', 2)[-2]} to its job", times, cpu, queries, 100)
    return results


def _print(engine, label, times, cpu, queries, goal) -> None:
    p50, best = statistics.median(times) * 1000, min(times) * 1000
    flag = "" if p50 <= goal else "   SLOW"
    print(
        f"[{engine}]   {label:30s} p50 {p50:6.1f} ms (best {best:6.1f}, CPU "
        f"{statistics.median(cpu) * 1000:5.1f}; goal {goal} ms)  {queries:2d} queries{flag}"
    )


def main(engine: str) -> int:
    # The throttle counts in the token's row as on a site, with a limit no case reaches.
    os.environ["GWM_API_TOKEN_RATE"] = "1000000"  # noqa: S105 - a rate, not a secret
    with django_site(engine, pages=True):
        from django.db.models import Min
        from rest_framework.test import APIClient

        from ganeti_webmgr.api import tokens
        from ganeti_webmgr.jobs.models import Job
        from ganeti_webmgr.permissions.rules import visible
        from ganeti_webmgr.virtual_machines.models import VirtualMachine

        users = populate()
        clients = {}
        for role, user in users.items():
            client = APIClient()
            secret = tokens.issue(user, "bench", write=True).secret
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
            clients[role] = client
        figures = {}
        for size in ("10,000", "100"):
            if size == "100":  # keep 10 VMs per cluster, the users' grants on them
                keep = VirtualMachine.objects.values("cluster").annotate(first=Min("pk"))
                firsts = [row["first"] for row in keep]
                ids = [pk for first in firsts for pk in range(first, first + 10)]
                Job.objects.all().delete()
                VirtualMachine.objects.exclude(pk__in=ids).delete()
            for role, user in users.items():
                vm = (
                    visible(user, VirtualMachine.objects.filter(status="running"), "power")
                    .select_related("cluster")
                    .order_by("pk")
                    .first()
                )
                # Running as Ganeti reports it (the bulk-made rows have a status only).
                VirtualMachine.objects.filter(pk=vm.pk).update(admin_state="up", oper_state=True)
                action = f"/api/v1/clusters/{vm.cluster.slug}/vms/{vm.name}/actions/reboot/"
                total = visible(user, VirtualMachine.objects.all()).count()
                print(f"[{engine}] API as {role}, {size} VMs ({total} visible):")
                figures[size, role] = run(engine, role, clients[role], vm, action)
        slow, grown = [], []
        for (size, role), results in figures.items():
            for label, (kind, p50, queries) in results.items():
                if p50 > GOALS[kind]:
                    slow.append(f"{role}/{size}/{label} {p50:.1f} ms")
                if size == "10,000" and figures["100", role][label][2] != queries:
                    grown.append(f"{role}/{label} {figures['100', role][label][2]} -> {queries}")
        print(
            f"[{engine}] over the goals: {', '.join(slow) or 'none'}; query counts "
            f"100 -> 10,000 VMs: {'constant' if not grown else 'GROW: ' + ', '.join(grown)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
