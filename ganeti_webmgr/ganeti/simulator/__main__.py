"""Run the simulator as a process: ``python -m ganeti_webmgr.ganeti.simulator``.

Prints one JSON line with ``url``, ``port``, ``fingerprint``, ``ca_file`` and
``users`` once it listens (for benchmarks, the demo cluster and manual tries), then
serves until SIGINT/SIGTERM. Listens on loopback only.

With ``--data-dir`` it keeps what makes it the same cluster across restarts there:
its certificate and key (the same fingerprint), its users' passwords (made on the
first start) and the cluster's state (saved on stop, loaded on start).
"""

from __future__ import annotations

import argparse
import errno
import json
import secrets
import signal
import sys
import time
from pathlib import Path

from . import state
from .certs import stored_certificate, write_private
from .cluster import SimCluster
from .server import RapiSimulator

STATE_FILE = "state.json"
USERS_FILE = "users.json"


def op_duration(text: str) -> float | tuple[float, float]:
    """``1.5`` (seconds per opcode) or ``1-2`` (a random time in that range)."""
    low, sep, high = text.partition("-")
    try:
        if sep:
            return (float(low), float(high))
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not seconds or a range of them: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ganeti_webmgr.ganeti.simulator")
    p.add_argument("--port", type=int, default=0, help="0: any free port")
    p.add_argument(
        "--or-any-port",
        action="store_true",
        help="when --port is taken, listen on any free port instead of failing",
    )
    p.add_argument("--nodes", type=int, default=3)
    p.add_argument("--instances", type=int, default=10)
    p.add_argument("--name", default="cluster.sim.test")
    p.add_argument("--domain", default="sim.test", help="of the generated nodes and instances")
    p.add_argument(
        "--op-duration",
        type=op_duration,
        default=0.0,
        help="seconds per opcode, or a range such as 1-2",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        help="keep the certificate, passwords and cluster state here across restarts",
    )
    return p


def _users(data_dir: Path | None) -> dict[str, tuple[str, str]] | None:
    """The users of a kept simulator: passwords made once, then read back."""
    if data_dir is None:
        return None  # RapiSimulator's test users
    path = data_dir / USERS_FILE
    if path.exists():
        return {user: tuple(entry) for user, entry in json.loads(path.read_text()).items()}
    users = {
        "gwm": (secrets.token_urlsafe(18), "write"),
        "gwm-ro": (secrets.token_urlsafe(18), "read"),
    }
    write_private(path, json.dumps(users).encode())
    return users


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    data_dir = args.data_dir
    first_job_id, certificate = 1, None
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        certificate = stored_certificate(data_dir)
        saved = state.load(data_dir / STATE_FILE)
    else:
        saved = None
    if saved is not None:
        cluster, first_job_id = saved
    else:
        cluster = SimCluster.generate(
            nodes=args.nodes, instances=args.instances, name=args.name, domain=args.domain
        )
    # The handler only appends: a second signal must neither interrupt the save nor
    # find the first handler inside Event.set() (whose lock it would wait for forever).
    # Started ignoring SIGINT (by gwm-manage demo), it keeps ignoring it: whoever started
    # it stops it with SIGTERM.
    received: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, lambda signum, _frame: received.append(signum))
    sim = RapiSimulator(
        cluster,
        port=args.port,
        op_duration=args.op_duration,
        users=_users(data_dir),
        certificate=certificate,
        first_job_id=first_job_id,
    )
    try:
        sim.start()
    except OSError as error:
        if not (args.or_any_port and args.port and error.errno == errno.EADDRINUSE):
            print(f"simulator: port {args.port}: {error.strerror}", file=sys.stderr)
            return 1
        sim.port = 0
        sim.start()
    try:
        print(
            json.dumps(
                {
                    "url": sim.url,
                    "port": sim.port,
                    "fingerprint": sim.fingerprint,
                    "ca_file": sim.ca_file,
                    "users": {u: p for u, (p, _) in sim.users.items()},
                }
            ),
            flush=True,
        )
        while not received:
            time.sleep(0.2)
    finally:
        sim.stop()  # the job threads finish the opcode in hand first
        if data_dir is not None:
            state.save(data_dir / STATE_FILE, cluster, sim.queue.next_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
