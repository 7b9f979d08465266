"""make run's supervisor (bin/dev-server) end to end: up, the demo listed, Ctrl-C, nothing left."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import ADMIN_PASSWORD

# What it checks (make run's processes) is the same on every database engine.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parent.parent.parent
DEV_SERVER = str(ROOT / "bin" / "dev-server")
DEMO_VM = re.compile(r"inst\d+\.demo\.sim\.test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A user of the site: cookies, and the login form's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def log_in(self, username: str, password: str) -> str:
        form = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=body, headers={"Referer": self.base}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


def answers(browser: Browser) -> bool:
    try:
        return "csrfmiddlewaretoken" in browser.get("/accounts/login/")
    except (urllib.error.URLError, OSError):  # not listening yet
        return False


def session_processes(sid: int) -> list[str]:
    """The live processes of a session (a terminal's, for make run)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state ppid pgrp session
            found.append(stat.parent.name)
    return found


def run_dev_server(site, port: int, *args: str) -> subprocess.Popen:
    # A session of its own, as a terminal's: its process group gets the Ctrl-C.
    return subprocess.Popen(
        [sys.executable, DEV_SERVER, "--port", str(port), "--workers", "1", *args],
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def ctrl_c(process: subprocess.Popen) -> tuple[str, str]:
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    # Children the supervisor did not wait for would still be in its session.
    assert wait_until(lambda: not session_processes(process.pid), 5, "the session to end")
    assert "No such process" not in err
    assert "Traceback" not in err
    assert "killed" not in err  # every child stopped by itself, in time
    return out, err


def test_make_run_shows_the_demo_and_ctrl_c_stops_everything(initialised_site):
    site = initialised_site
    port = free_port()
    browser = Browser(f"http://127.0.0.1:{port}")
    process = run_dev_server(site, port)
    wait_until(lambda: answers(browser), 30, "the login page")
    browser.log_in("admin", ADMIN_PASSWORD)
    # The demo starts beside gwm-server: its cluster is there within seconds.
    assert wait_until(lambda: "demo (simulated)" in browser.get("/"), 30, "the demo cluster")
    vms = wait_until(
        lambda: len(set(DEMO_VM.findall(browser.get("/vms/")))) == 30, 15, "the demo's VMs"
    )
    assert vms
    assert "demo (simulated)" in browser.get("/vms/")  # the cluster column
    out, _ = ctrl_c(process)
    assert "demo cluster 'demo' added" in out
    assert (site.data_dir / "demo" / "state.json").exists()


# -- the supervisor's own rules, with stand-ins for the gwm-* commands -------------------


def stand_ins(tmp_path: Path, server: str = "exec sleep 60") -> Path:
    """A bin directory like a venv's: a python, and gwm-* scripts that log their start."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)  # dev-server finds gwm-* beside it
    for name, body in (("gwm-manage", "exec sleep 60"), ("gwm-worker", "exec sleep 60")):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho {name} "$@" >> {tmp_path}/started\n{body}\n')
        script.chmod(0o755)
    script = bin_dir / "gwm-server"
    script.write_text(f'#!/bin/sh\necho gwm-server "$@" >> {tmp_path}/started\n{server}\n')
    script.chmod(0o755)
    return bin_dir


def started(tmp_path: Path) -> list[str]:
    path = tmp_path / "started"
    return sorted(path.read_text().splitlines()) if path.exists() else []


def test_demo_0_starts_no_demo(tmp_path):
    bin_dir = stand_ins(tmp_path)
    process = subprocess.Popen(
        [str(bin_dir / "python"), DEV_SERVER, "--port", "8123", "--no-demo"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_until(lambda: len(started(tmp_path)) == 2, 10, "the commands to start")
    assert started(tmp_path) == ["gwm-server --bind 127.0.0.1:8123 --workers 2", "gwm-worker"]
    ctrl_c(process)


def test_a_server_that_ends_stops_the_rest(tmp_path):
    bin_dir = stand_ins(tmp_path, server="exit 3")
    result = subprocess.run(
        [str(bin_dir / "python"), DEV_SERVER], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert "dev-server: server ended; stopping the rest" in result.stderr
    assert started(tmp_path) == [
        "gwm-manage demo --auto",
        "gwm-server --bind 127.0.0.1:8000 --workers 2",
        "gwm-worker",
    ]


def test_make_run_passes_port_and_demo_on():
    def recipe(*args: str) -> str:
        return subprocess.run(
            ["make", "-n", "-C", str(ROOT), "run", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert re.search(r"bin/dev-server --port 8000 *$", recipe(), re.MULTILINE)
    assert "bin/dev-server --port 8123 --no-demo" in recipe("PORT=8123", "DEMO=0")
