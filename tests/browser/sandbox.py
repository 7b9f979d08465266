"""The real Ganeti sandbox the browser tests drive (bin/ganeti-sandbox; make test-browser).

Seeds the VMs the flows use and holds a node lock so that a job really waits in
Ganeti's queue.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ganeti_webmgr.ganeti import RapiClient, Timeouts, TlsTrust

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bin/ganeti-sandbox"

# bin/ganeti-sandbox seed N web: webNNN.ganeti.test, the even ones running.
PREFIX = "web"
COUNT = 10


def vm_name(number: int) -> str:
    return f"{PREFIX}{number:03d}.ganeti.test"


def client(env: dict[str, str]) -> RapiClient:
    return RapiClient(
        env["GANETI_RAPI_URL"],
        username=env["GANETI_RAPI_USER"],
        password=env["GANETI_RAPI_PASSWORD"],
        trust=TlsTrust.pinned(env["GANETI_RAPI_CERT_SHA256"]),
        timeouts=Timeouts(connect=5, read=30, total=60),
        name="sandbox",
    )


def gnt(*args: str) -> str:
    """Run a Ganeti command inside the sandbox; its standard output."""
    result = subprocess.run(
        [str(SCRIPT), "exec", *args], check=True, capture_output=True, text=True, timeout=180
    )
    return result.stdout


def seed(env: dict[str, str]) -> list[str]:
    """The test VMs, created unless a previous session on this sandbox made them."""
    wanted = [vm_name(n) for n in range(COUNT)]
    with client(env) as rapi:
        present = set(rapi.list_instances())
    if not present.issuperset(wanted):
        if present.intersection(wanted):
            raise RuntimeError(f"some of {PREFIX}* exist already; run bin/ganeti-sandbox down")
        subprocess.run([str(SCRIPT), "seed", str(COUNT), PREFIX], check=True, timeout=300)
    return wanted


@contextmanager
def node_lock_held(env: dict[str, str]) -> Iterator[int]:
    """A Ganeti job holding the node's lock until the block ends; yields its id.

    `gnt-debug delay --interruptible` sleeps with the node locked and ends early when
    something connects to the Unix socket it names in its job log. Jobs needing that
    lock (modify, migrate; not start or stop) wait in Ganeti's queue meanwhile.
    """
    node = env["GANETI_NODE_NAME"]
    output = gnt(
        "gnt-debug",
        "delay",
        "--submit",
        "--print-jobid",
        "--no-master",
        "--interruptible",
        "-n",
        node,
        "300",
    )
    job_id = int(output.split()[0])
    with client(env) as rapi:
        path = _delay_socket(rapi, job_id)
        try:
            yield job_id
        finally:
            # (Refused if the delay has ended by itself: nothing left to release.)
            with socket.socket(socket.AF_UNIX) as s, contextlib.suppress(OSError):
                s.connect(path)
            rapi.wait_for_job(job_id, timeout=60, raise_on_failure=False)


def _delay_socket(rapi: RapiClient, job_id: int, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        job = rapi.get_job(job_id)
        for op_log in job.raw.get("oplog") or []:
            for _serial, _time, kind, message in op_log:
                if kind == "delay-test":  # [serial, time, "delay-test", [socket path]]
                    return message[0]
        if job.finished or time.monotonic() > deadline:
            raise RuntimeError(f"gnt-debug delay job {job_id} named no socket: {job.status}")
        time.sleep(0.2)


@contextmanager
def queue_drained() -> Iterator[None]:
    """Ganeti's job queue drained (as for maintenance): it refuses every new job."""
    gnt("gnt-cluster", "queue", "drain")
    try:
        yield
    finally:
        gnt("gnt-cluster", "queue", "undrain")
