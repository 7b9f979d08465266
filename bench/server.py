"""Plain page times of gwm-server (uvicorn workers under gunicorn, Django's WSGI
app in threads, websockets beside it) against gunicorn's sync workers serving the
same WSGI application (gwm-server before it served websockets), on one live site
(SQLite, a synced simulated cluster).

Rounds alternate between the two servers so that load from elsewhere on the
machine falls on both. Prints requests/s and p50/p95 per page and server, and
the ratio gwm-server / sync (throughput: higher is better).

    python bench/server.py [--rounds 3] [--requests 200] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live import Browser, Simulators, Site, free_port, percentile, wait_until

PAGES = ["/health", "/accounts/login/", "/", "/vms/", "/vms/?sort=-memory"]
WORKERS = 2


def session_cookie(port: int, password: str) -> str:
    browser = Browser(f"http://127.0.0.1:{port}", "admin", password)
    return "sessionid=" + next(c.value for c in browser.jar if c.name == "sessionid")


def load(port: int, path: str, cookie: str, requests: int, concurrency: int) -> tuple:
    """(requests/s, latencies) of `requests` GETs, `concurrency` at a time, a new
    connection each (gunicorn's sync workers close every connection)."""
    latencies: list[float] = []
    lock = threading.Lock()
    headers = {} if path == "/accounts/login/" else {"Cookie": cookie}
    per_thread = requests // concurrency

    def client():
        for _ in range(per_thread):
            start = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {response.status}")
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if len(latencies) != per_thread * concurrency:
        raise RuntimeError(f"GET {path}: some requests failed")
    return len(latencies) / elapsed, latencies


def wait_listening(port: int, process: subprocess.Popen) -> None:
    def up():
        if process.poll() is not None:
            raise RuntimeError("server exited")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            return connection.getresponse().status == 200
        except OSError:
            return False

    wait_until(up, 30, f"a server on port {port}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--threads", type=int, help="[server] threads of gwm-server")
    args = parser.parse_args()

    sims = Simulators({"prod": {"instances": 300, "nodes": 5}})
    site = Site()
    try:
        site.add_cluster("prod", sims.info["prod"])
        site.run("gwm-worker", "--once")
        servers = {}
        sync_port = free_port()
        sync = site.start(
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{sync_port}",
            "--no-control-socket",
            "ganeti_webmgr.wsgi:application",
        )
        wait_listening(sync_port, sync)
        servers["sync"] = sync_port
        if args.threads:
            site.env["GWM_SERVER_THREADS"] = str(args.threads)
        gwm_base = site.start_server(workers=WORKERS)
        servers["gwm-server"] = int(gwm_base.rsplit(":", 1)[1])
        cookies = {name: session_cookie(port, site.password) for name, port in servers.items()}

        results = {(name, page): [] for name in servers for page in PAGES}
        for _ in range(args.rounds):
            for page in PAGES:
                for name, port in servers.items():
                    load(port, page, cookies[name], args.concurrency * 5, args.concurrency)
                    rate, latencies = load(
                        port, page, cookies[name], args.requests, args.concurrency
                    )
                    results[(name, page)].append((rate, latencies))

        print(
            f"server bench: {WORKERS} worker processes each, {args.concurrency} clients, "
            f"{args.rounds} rounds x {args.requests} requests per page (300 VMs)"
        )
        print(f"{'page':<22}{'server':<12}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}")
        ratios = []
        for page in PAGES:
            rates = {}
            for name in servers:
                runs = results[(name, page)]
                rate = statistics.median(r for r, _ in runs)
                latencies = [x for _, lat in runs for x in lat]
                rates[name] = rate
                p50, p95 = (percentile(latencies, p) * 1000 for p in (50, 95))
                print(f"{page:<22}{name:<12}{rate:>8.0f}{p50:>9.1f}{p95:>9.1f}")
            ratio = rates["gwm-server"] / rates["sync"]
            ratios.append(ratio)
            print(f"{'':<22}{'ratio':<12}{ratio:>8.2f}x  (gwm-server / sync)")
        print(f"geometric mean throughput ratio: {statistics.geometric_mean(ratios):.2f}x")
    finally:
        site.stop()
        sims.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
