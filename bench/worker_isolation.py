"""Isolation benchmark: does a hung cluster slow down the pages of a healthy one?

    python bench/worker_isolation.py

Real gwm-server (gunicorn, 2 workers) and gwm-worker on SQLite, two simulated
clusters (in a child process). It measures the p99 latency of the healthy
cluster's pages (cluster page, VM list, a VM page) for PHASE seconds with no
fault, then again while the other cluster hangs on every path and 8 clients keep
POSTing reboots and shutdowns of its VMs through the web UI (each one a second
after its last answer, as people clicking would). "No fault" is the same with the
other cluster answering, so the ratio of the two p99s (goal <= 1.5) is what the
hang costs; a first phase with nobody clicking is printed for reference. Figures,
not pass/fail; run by `make bench`.
"""

from __future__ import annotations

import sys
import threading
import time
import urllib.error
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live import Browser, Simulators, Site, cluster_list, percentile, wait_until

PHASE = 30  # seconds per phase
CLIENTS = 8
THINK = 1.0  # seconds each client waits between two actions
GOAL = 1.5


def measure(browser: Browser, pages: list[str], seconds: float) -> list[float]:
    times, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        for page in pages:
            started = time.perf_counter()
            browser.get(page)
            times.append(time.perf_counter() - started)
    return times


def with_clicks(base: str, site: Site, work):
    """work() while CLIENTS people keep clicking reboots and shutdowns of the other
    cluster's VMs; returns its result and (recorded, refused at once, failed)."""
    stop, posted, refused, failed = threading.Event(), [0], [0], [0]

    def client(number: int) -> None:
        me = Browser(base, "admin", site.password)
        n = number
        while not stop.is_set():
            name = f"inst{n % 40 + 1}.sick.test"
            action = "reboot" if n % 2 else "shutdown"
            data = {"reboot_type": "soft"} if action == "reboot" else {"confirmed": "1"}
            try:
                me.post_action(f"/clusters/sick/vms/{name}/{action}", data)
                posted[0] += 1
            except urllib.error.HTTPError as error:
                # 409: GWM refused it at once (that VM is not running, ...).
                (refused if error.code == 409 else failed)[0] += 1
            except Exception:
                failed[0] += 1
            n += CLIENTS
            stop.wait(THINK)  # a person clicking, not a load test of gunicorn itself

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        result = work()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    return result, (posted[0], refused[0], failed[0])


def main() -> int:
    sims = Simulators({"healthy": {"instances": 20}, "sick": {"instances": 40}})
    site = Site()
    try:
        for name in ("healthy", "sick"):
            site.add_cluster(name, sims.info[name])
        site.start("gwm-worker")
        wait_until(
            lambda: all(c["virtual_machines"] for c in cluster_list(site).values()), 60, "syncs"
        )
        base = site.start_server(workers=2)
        browser = Browser(base, "admin", site.password)
        vm = "inst1.healthy.test"
        pages = ["/clusters/healthy/", "/clusters/healthy/vms/", f"/clusters/healthy/vms/{vm}/"]
        for page in pages:
            browser.get(page)  # warm up
        quiet = measure(browser, pages, PHASE)  # for reference: nobody else clicks
        calm, _ = with_clicks(base, site, lambda: measure(browser, pages, PHASE))
        sims.call("inject", "sick", "hang", {"seconds": 30})
        storm, (posted, refused, failed) = with_clicks(
            base, site, lambda: measure(browser, pages, PHASE)
        )
        calm_p99, storm_p99 = percentile(calm, 99), percentile(storm, 99)
        print("isolation: healthy cluster's pages (cluster, VM list, VM) through gunicorn, SQLite")
        for label, times in (
            ("nobody clicks:      ", quiet),
            ("no fault:           ", calm),
            ("other cluster hangs:", storm),
        ):
            print(
                f"  {label} {len(times):5d} requests,"
                f" p50 {percentile(times, 50) * 1000:6.1f} ms,"
                f" p99 {percentile(times, 99) * 1000:6.1f} ms"
            )
        print(
            f"  {posted} actions recorded for the hung cluster by {CLIENTS} clients"
            f" ({refused} refused at once by GWM: not running, ...; {failed} failed)"
        )
        print(f"  p99 ratio {storm_p99 / calm_p99:.2f}x (goal <= {GOAL}x)")
        return 0
    finally:
        site.stop()
        sims.stop()


if __name__ == "__main__":
    sys.exit(main())
