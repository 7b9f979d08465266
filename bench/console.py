"""The console proxy's cost: a VM's VNC console through gwm-server's websocket
(session, ticket, VNC auth answered by GWM, the relay) against a direct TCP
connection to the same Xvnc, on one live site (SQLite, one gwm-server worker).

Figures (docs/development.rst, "Benchmarks" has the method):
  * key echo: a KeyEvent press and release with a non-incremental
    FramebufferUpdateRequest for a 32x16 cell, in one write, until that
    FramebufferUpdate has arrived (Xvnc answers such a request at once, so what
    differs is the path); p50/p95 and the ratio proxy / direct (lower is better);
  * throughput: full non-incremental updates of a 1920x1080 screen, raw
    encoding, 32 bits a pixel (8.3 MB each); MB/s and proxy / direct (goal >= 0.8).
    The client offers permessage-deflate as browsers do (gwm-server declines it);
  * memory: RSS of the gwm-server worker before and after N open sessions
    (handshake done, one frame each), divided by N;
  * 50 concurrent sessions on the one worker: every one gets frames; p50/p95 of
    their key echoes.

    python bench/console.py [--echoes 200] [--seconds 1] [--rounds 9] [--sessions 50]
                            [--memory 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from live import BIN, Site, free_port, percentile, wait_until

from ganeti_webmgr.testing import console_client
from ganeti_webmgr.testing.vnc import xvnc

WIDTH, HEIGHT = 1920, 1080
XK_A = 0x61


# A relay written in C, for scale: what a bare TCP proxy gets on this machine
# (socat with 256 KiB buffers; no websocket, no TLS, no checks).
SOCAT_BUFFER = 256 * 1024


def echo(rfb: console_client.Rfb) -> float:
    start = time.perf_counter()
    rfb.stream.write(
        b"".join(
            [
                _key(XK_A, True),
                _key(XK_A, False),
                bytes([3, 0]) + (0).to_bytes(2, "big") * 2 + (32).to_bytes(2, "big")
                + (16).to_bytes(2, "big"),
            ]
        )
    )  # fmt: skip
    rfb.update()
    return time.perf_counter() - start


def _key(keysym: int, down: bool) -> bytes:
    return bytes([4, int(down), 0, 0]) + keysym.to_bytes(4, "big")


def throughput(rfb: console_client.Rfb, seconds: float) -> tuple[float, int]:
    """MB/s of full frames for about `seconds`, and the bytes received."""
    rfb.request(incremental=False)
    rfb.update()  # warm up
    total, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        rfb.request(incremental=False)
        total += rfb.update()
    return total / elapsed / 1e6, total


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system time the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pid(parent: int) -> int | None:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return int(children[0]) if children else None


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gwm-server has no worker")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echoes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=1.0, help="per path and round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--memory", type=int, default=20, help="sessions for the RSS figure")
    args = parser.parse_args()

    site = Site()
    with (site.base / "etc" / "settings.conf").open("a") as conf:
        conf.write("[console]\nsessions_per_user = 100\n")

    def manage(*command, input=None):
        result = subprocess.run(
            [str(BIN / "gwm-manage"), *command],
            env=site.env, input=input, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"gwm-manage {command[0]}: {result.stderr}")
        return result.stdout

    with (
        xvnc(width=WIDTH, height=HEIGHT) as vnc,
        console_client.console_sim([str(BIN / "python")], vnc.port, site.env) as sim,
    ):
        try:
            console_client.add_console_cluster(manage, sim, vnc.password)
            vm = sim["vms"][0]
            base = site.start_server(workers=1)
            master = site.processes[-1].pid
            login = console_client.Login(base, "admin", site.password)

            def proxied(count: int = 1) -> list[console_client.Rfb]:
                return [
                    console_client.open_console(base, login, "console", vm, ticket)
                    for ticket in console_client.issue_tickets(manage, vm, count)
                ]

            def direct() -> console_client.Rfb:
                rfb = console_client.Rfb(
                    console_client.SocketStream(vnc.host, vnc.port), vnc.password
                )
                rfb.handshake()
                return rfb

            relay_port = free_port()
            tcp_relay = subprocess.Popen(
                ["/usr/bin/socat", "-b", str(SOCAT_BUFFER),
                 f"TCP-LISTEN:{relay_port},bind=127.0.0.1,reuseaddr,fork",
                 f"TCP:127.0.0.1:{vnc.port}"],
            )  # fmt: skip
            wait_until(lambda: _listening(relay_port), 10, "socat")

            def relayed() -> console_client.Rfb:
                stream = console_client.SocketStream("127.0.0.1", relay_port)
                rfb = console_client.Rfb(stream, vnc.password)
                rfb.handshake()
                return rfb

            results = {}
            # Alternate the paths so that load from elsewhere falls on all of them.
            paths = {"direct": direct, "socat": relayed, "gwm-server": lambda: proxied()[0]}
            echoes = {name: [] for name in paths}
            rates = {name: [] for name in paths}
            # CPU seconds per GB relayed: the client's, and the relay's (socat's child
            # for this connection, the gwm-server worker), whatever the load.
            cpu = {name: {"client": 0.0, "relay": 0.0, "server": 0.0, "bytes": 0} for name in paths}
            worker = worker_pid(master)
            for _ in range(args.rounds):
                for name, opener in paths.items():
                    rfb = opener()
                    for _ in range(10):
                        echo(rfb)
                    echoes[name] += [echo(rfb) for _ in range(args.echoes // args.rounds)]
                    relay_pid = {"socat": child_pid(tcp_relay.pid), "gwm-server": worker}.get(name)
                    client_before = time.process_time()
                    relay_before = cpu_seconds(relay_pid) if relay_pid else 0.0
                    server_before = cpu_seconds(vnc.pid)
                    rate, received = throughput(rfb, args.seconds)
                    rates[name].append(rate)
                    cpu[name]["client"] += time.process_time() - client_before
                    cpu[name]["server"] += cpu_seconds(vnc.pid) - server_before
                    if relay_pid:
                        cpu[name]["relay"] += cpu_seconds(relay_pid) - relay_before
                    cpu[name]["bytes"] += received + WIDTH * HEIGHT * 4
                    rfb.close()
            pairs = zip(rates["gwm-server"], rates["direct"], strict=True)
            ratios = sorted(g / d for g, d in pairs)
            for name in paths:
                results[name] = (
                    percentile(echoes[name], 50),
                    percentile(echoes[name], 95),
                    sorted(rates[name])[len(rates[name]) // 2],
                )

            # Memory: sessions open, each with one small frame received.
            time.sleep(1)
            worker = worker_pid(master)
            before = rss_kb(worker)
            held = proxied(args.memory)
            for rfb in held:
                echo(rfb)
            time.sleep(0.5)
            after = rss_kb(worker)
            for rfb in held:
                rfb.close()
            per_session = (after - before) / args.memory

            # Concurrency: N sessions at once, each 20 key echoes.
            time.sleep(1)
            sessions = proxied(args.sessions)
            latencies: list[float] = []
            got_frames = [0] * len(sessions)
            errors: list[str] = []
            barrier = threading.Barrier(len(sessions))

            def run(index: int, rfb: console_client.Rfb) -> None:
                try:
                    barrier.wait()
                    for _ in range(20):
                        latency = echo(rfb)
                        latencies.append(latency)
                        got_frames[index] += 1
                except Exception as error:
                    errors.append(repr(error))

            threads = [
                threading.Thread(target=run, args=(i, rfb)) for i, rfb in enumerate(sessions)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            for rfb in sessions:
                rfb.close()
            tcp_relay.terminate()
            tcp_relay.wait(timeout=10)
        finally:
            site.stop()

    print(
        f"console bench: Xvnc {WIDTH}x{HEIGHT}x32, raw encoding; one gwm-server worker; "
        f"{args.echoes} echoes and {args.seconds:g} s of full frames per path and round, "
        f"in {args.rounds} rounds of the paths in turn"
    )
    print("  ratio: gwm-server / direct; socat: a TCP relay in C (256 KiB buffers), for scale")
    print(f"{'':<24}{'direct':>10}{'socat':>11}{'gwm-server':>12}{'ratio':>8}")
    rows = [("key echo p50 (ms)", 0, 1000), ("key echo p95 (ms)", 1, 1000)]
    for label, index, scale in rows:
        d, t, g = (results[name][index] * scale for name in ("direct", "socat", "gwm-server"))
        print(f"{label:<24}{d:>10.3f}{t:>11.3f}{g:>12.3f}{g / d:>7.2f}x")
    d, t, g = (results[name][2] for name in ("direct", "socat", "gwm-server"))
    ratio = ratios[len(ratios) // 2]
    print(f"{'full frames (MB/s)':<24}{d:>10.0f}{t:>11.0f}{g:>12.0f}{ratio:>7.2f}x", end="")
    print(f"  (goal >= 0.80x; rounds {ratios[0]:.2f} to {ratios[-1]:.2f}x)")
    print(f"{'':<24}gwm-server / socat: {g / t:.2f}x")
    for part in ("server", "client", "relay"):
        figures = [cpu[name][part] / cpu[name]["bytes"] * 1e9 for name in paths]
        d, t, g = figures
        line = f"{'CPU s per GB, ' + part:<24}{d:>10.2f}{t:>11.2f}{g:>12.2f}"
        print(line + (f"{g / t:>7.2f}x  (gwm-server / socat)" if part == "relay" else ""))
    print(
        f"memory per open session: {per_session:.0f} KiB (worker RSS {before / 1024:.1f} -> "
        f"{after / 1024:.1f} MiB with {args.memory} sessions)"
    )
    all_frames = sum(1 for n in got_frames if n == 20)
    print(
        f"{args.sessions} concurrent sessions: {all_frames}/{args.sessions} got all 20 frames, "
        f"key echo p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p95 {percentile(latencies, 95) * 1000:.1f} ms, {len(latencies) / elapsed:.0f} echoes/s"
    )
    for error in errors[:5]:
        print(f"  error: {error}")
    return 0 if not errors and all_frames == args.sessions else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
