"""gwm-manage demo as a real process: its simulator, its cluster row, its restarts."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from ganeti_webmgr.ganeti import RapiClient, TlsTrust

from .conftest import BIN

# What it checks (the demo's simulator and its restarts) is the same on every database engine.
pytestmark = pytest.mark.any_database

ROW = (
    "import json\nfrom ganeti_webmgr.clusters.models import Cluster\n"
    "c = Cluster.objects.filter(slug='demo').first()\n"
    "print(json.dumps(c and [c.port, c.fingerprint, c.password, c.simulated, c.auto_import]))"
)


def start_demo(site, *args: str) -> tuple[subprocess.Popen, str]:
    """The command, and its line saying where the simulator listens."""
    # An ignored SIGINT is inherited (pytest started in the background by a shell has
    # one), and the demo then waits for SIGTERM by design; the Ctrl-C tested here needs
    # the terminal's default. A handler of Python's own is reset to the default by exec.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [str(BIN / "gwm-manage"), "demo", "--op-duration", "0", *args],
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    line = process.stdout.readline()
    assert line.startswith("demo cluster 'demo'"), line + process.stderr.read()
    return process, line


def stop(process: subprocess.Popen, signum: int) -> str:
    process.send_signal(signum)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        # What was still running, and what it said, rather than a bare timeout.
        tree = subprocess.run(
            ["ps", "-o", "pid,stat,etime,args", "--ppid", str(process.pid), "-p", str(process.pid)],
            capture_output=True,
            text=True,
        ).stdout
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in [process.pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, stderr = process.communicate(timeout=10)
        pytest.fail(f"the demo did not stop within 30 s of signal {signum}:\n{tree}\n{stderr}")
    assert process.returncode == 0, stderr
    return stderr


def row(site):
    return json.loads(site.python(ROW))


def simulators(data_dir: Path) -> list[str]:
    """Processes whose command line names this site's demo directory."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(data_dir / "demo") in text:
            found.append(text)
    return found


def rapi(port: int, fingerprint: str, password: str) -> RapiClient:
    """A client as GWM's would be, with what the demo's row holds."""
    return RapiClient(
        f"https://127.0.0.1:{port}",
        username="gwm",
        password=password,
        trust=TlsTrust.pinned(fingerprint),
    )


def test_a_restarted_demo_is_the_same_cluster_and_remove_stops_it_for_good(initialised_site):
    # One test, as starting the demo is most of its time. Which sites --auto starts a
    # demo on: ganeti_webmgr/clusters/tests/test_demo.py.
    site = initialised_site
    process, line = start_demo(site)
    assert "added" in line
    port, fingerprint, password, simulated, auto_import = row(site)
    assert (simulated, auto_import) == (True, True)
    assert f"https://127.0.0.1:{port}" in line
    users = json.loads((site.data_dir / "demo" / "users.json").read_text())
    assert password == users["gwm"][0]  # the simulator's user that may write
    with rapi(port, fingerprint, password) as client:
        assert len(client.list_instances()) == 30
        assert len(client.list_nodes()) == 3
        client.wait_for_job(client.delete_instance("inst1.demo.sim.test"), timeout=10)
        client.wait_for_job(
            client.create_instance(
                "made.demo.sim.test",
                disk_template="diskless",
                disks=[],
                nics=[{}],
                os="noop+default",
                pnode="node1.demo.sim.test",
                ip_check=False,
                name_check=False,
            ),
            timeout=10,
        )
    stop(process, signal.SIGINT)  # Ctrl-C; --remove below sends TERM
    assert simulators(site.data_dir) == []

    # The last port is taken now: the demo moves, and its row follows it.
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        process, line = start_demo(site, "--auto")
    assert "running" in line
    new_port, same_fingerprint, same_password, *_ = row(site)
    assert new_port != port
    assert (same_fingerprint, same_password) == (fingerprint, password)
    with rapi(new_port, fingerprint, password) as client:
        names = client.list_instances()
    assert "made.demo.sim.test" in names
    assert "inst1.demo.sim.test" not in names

    # A second one would move the row away from the first.
    result = site.run("gwm-manage", "demo", "--auto")
    assert result.stdout.startswith("the demo cluster runs already")
    result = site.run("gwm-manage", "demo", "--remove")
    assert result.returncode == 0, result.stderr
    assert "stopping the running demo" in result.stdout
    assert process.wait(timeout=5) == 0  # --remove stopped it
    assert simulators(site.data_dir) == []
    assert sorted(p.name for p in (site.data_dir / "demo").iterdir()) == ["removed"]
    result = site.run("gwm-manage", "demo", "--auto")
    assert result.stdout.startswith("no demo cluster: the demo was removed")
