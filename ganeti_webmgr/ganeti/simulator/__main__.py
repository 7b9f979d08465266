"""Run the simulator as a process: ``python -m ganeti_webmgr.ganeti.simulator``.

Prints one JSON line with ``url``, ``fingerprint`` and ``ca_file`` once it
listens (for benchmarks and manual tries), then serves until SIGINT/SIGTERM.
Listens on loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading

from .cluster import SimCluster
from .server import RapiSimulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganeti_webmgr.ganeti.simulator")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--instances", type=int, default=10)
    parser.add_argument("--name", default="cluster.sim.test")
    parser.add_argument("--op-duration", type=float, default=0.0, help="seconds per opcode")
    args = parser.parse_args(argv)
    cluster = SimCluster.generate(nodes=args.nodes, instances=args.instances, name=args.name)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with RapiSimulator(cluster, port=args.port, op_duration=args.op_duration) as sim:
        print(
            json.dumps(
                {
                    "url": sim.url,
                    "fingerprint": sim.fingerprint,
                    "ca_file": sim.ca_file,
                    "users": {u: p for u, (p, _) in sim.users.items()},
                }
            ),
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
