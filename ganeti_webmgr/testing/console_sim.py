"""A simulated cluster whose VMs' VNC consoles are one real VNC server, as a process:

    python -m ganeti_webmgr.testing.console_sim --vnc-port 5901 [--vms 1]

The first --vms instances become running KVM VMs whose console is --vnc-host:
--vnc-port (their primary nodes' address is --vnc-host). Prints one JSON line (host,
port, fingerprint, the RAPI user's password, the VMs' names) once it listens, then
serves until SIGTERM or SIGINT. For the live console checks: tests/test_reverse_proxy.py,
bench/console.py and packaging/console_check.py (on an installed package).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time

from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster


def console_cluster(vnc_host: str, vnc_port: int, vms: int) -> tuple[SimCluster, list[str]]:
    cluster = SimCluster.generate(nodes=2, instances=max(vms, 2), domain="console.test")
    names = sorted(cluster.instances)[:vms]
    for name in names:
        inst = cluster.instances[name]
        cluster.meta[name].hypervisor = "kvm"
        inst["network_port"] = vnc_port
        inst["admin_state"] = "up"
        cluster._set_running(inst, True)
        cluster.nodes[inst["pnode"]]["pip"] = vnc_host
    return cluster, names


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ganeti_webmgr.testing.console_sim")
    p.add_argument("--vnc-host", default="127.0.0.1")
    p.add_argument("--vnc-port", type=int, required=True)
    p.add_argument("--vms", type=int, default=1)
    args = p.parse_args(argv)
    cluster, names = console_cluster(args.vnc_host, args.vnc_port, args.vms)
    received: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, _frame: received.append(signum))
    sim = RapiSimulator(cluster).start()
    try:
        info = {
            "host": sim.host,
            "port": sim.port,
            "fingerprint": sim.fingerprint,
            "password": sim.users["gwm"][0],
            "vms": names,
        }
        print(json.dumps(info), flush=True)
        while not received:
            time.sleep(0.2)
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
