"""gwm-manage demo [--auto] [--remove]: a simulated cluster to try GWM on.

Runs GWM's RAPI simulator (``python -m ganeti_webmgr.ganeti.simulator``) as a child
process, in the foreground until SIGINT or SIGTERM, and adds it as the cluster
``demo`` (or points that row at it again: the port may differ from the last run).
The simulator keeps its certificate and state in <data_dir>/demo/, so the
fingerprint GWM pinned stays valid and what was done to the demo's VMs survives a
restart. No package starts it: only ``make run`` and this command do.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from ganeti_webmgr.clusters import demo

SIMULATOR = "ganeti_webmgr.ganeti.simulator"
# What a fresh demo looks like; a restarted one is what it was left as.
NODES, INSTANCES = 3, 30
OP_DURATION = "1-2"  # seconds per Ganeti opcode: long enough to watch a job run
START_TIMEOUT = 30
STOP_TIMEOUT = 15


class Command(BaseCommand):
    help = "Run a simulated Ganeti cluster, added to GWM as 'demo', until interrupted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--auto",
            action="store_true",
            help="what make run asks: start only on a site with no clusters or only the "
            "demo, and not after --remove; otherwise say why and exit",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="stop a running demo, remove the cluster from GWM and delete its files",
        )
        parser.add_argument(
            "--port", type=int, default=0, help="RAPI port (default: the last one, else any)"
        )
        parser.add_argument("--op-duration", default=OP_DURATION, help="seconds, or a range")

    def handle(self, *args, auto: bool, remove: bool, port: int, op_duration: str, **options):
        if remove:
            return self.remove()
        if reason := demo.conflict():
            raise CommandError(reason)
        if auto and (reason := demo.why_not_automatically()):
            self.stdout.write(f"no demo cluster: {reason}")
            return
        if (pid := _running_pid()) is not None:
            # A second simulator would move the row away from the first one's port.
            if auto:
                self.stdout.write(f"the demo cluster runs already (pid {pid})")
                return
            raise CommandError(f"the demo cluster runs already (pid {pid})")
        demo.started()
        self.run(port, op_duration)

    def remove(self) -> None:
        if reason := demo.conflict():
            raise CommandError(reason)
        pid = _running_pid()
        if pid is not None:
            self.stdout.write(f"stopping the running demo (pid {pid})")
            _stop_pid(pid)
        if demo.remove():
            self.stdout.write("removed the demo cluster from GWM and its simulator's files")
        else:
            self.stdout.write("no demo cluster; make run will not add one any more")

    def run(self, port: int, op_duration: str) -> None:
        # Only an append in the handler (Event.set() there can deadlock on a second signal).
        # Started ignoring SIGINT (by make run's bin/dev-server), it waits for SIGTERM.
        received: list[int] = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, lambda signum, _frame: received.append(signum))
        path = demo.directory()
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        previous = demo.existing()
        port = port or (previous.port if previous is not None else 0)
        simulator = subprocess.Popen(  # noqa: S603 - our own module, our own arguments
            [
                sys.executable,
                "-m",
                SIMULATOR,
                "--data-dir",
                str(path),
                "--port",
                str(port),
                "--or-any-port",
                "--nodes",
                str(NODES),
                "--instances",
                str(INSTANCES),
                "--name",
                "demo.sim.test",
                "--domain",
                "demo.sim.test",
                "--op-duration",
                op_duration,
            ],
            stdout=subprocess.PIPE,
            text=True,
            # Stopped by SIGTERM from here, after a Ctrl-C too: one signal, not two, and
            # no KeyboardInterrupt while it starts. (No threads yet: preexec_fn is safe.)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        pid_file = path / demo.PID_FILE
        pid_file.write_text(f"{os.getpid()}\n")
        try:
            listening = _first_line(simulator)
            cluster, created = demo.register(
                listening["port"], listening["users"][demo.USERNAME], listening["fingerprint"]
            )
            self.stdout.write(
                f"demo cluster {cluster.slug!r} {'added' if created else 'running'}: GWM's RAPI "
                f"simulator on {listening['url']} (stop: Ctrl-C; remove: gwm-manage demo --remove)"
            )
            self.stdout.flush()
            while not received and simulator.poll() is None:
                time.sleep(0.2)
            if simulator.poll() is not None and not received:
                raise CommandError(f"the simulator stopped (exit status {simulator.returncode})")
        finally:
            _stop(simulator)
            pid_file.unlink(missing_ok=True)


def _first_line(simulator: subprocess.Popen) -> dict:
    """The simulator's "listening" line (url, port, fingerprint, users)."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(simulator.stdout.readline()))
    reader.start()
    reader.join(START_TIMEOUT)
    if not result or not result[0]:
        raise CommandError("the simulator did not start (see its messages above)")
    return json.loads(result[0])


def _stop(simulator: subprocess.Popen) -> None:
    # It saves the cluster's state on the way out: give it time before killing it.
    if simulator.poll() is None:
        simulator.terminate()
    try:
        simulator.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        simulator.kill()
        simulator.wait()


def _running_pid() -> int | None:
    """The pid of a demo command running on this site, if one is."""
    try:
        pid = int((demo.directory() / demo.PID_FILE).read_text())
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read()  # noqa: SIM115 - one read
    except (OSError, ValueError):
        return None
    # A stale file may name a pid now used by something else.
    return pid if b"demo" in cmdline and _alive(pid) else None


def _stop_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()  # noqa: SIM115 - one read
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie has finished
