"""A live GWM for the worker benchmarks: gwm-server (gunicorn) and gwm-worker as real
processes on SQLite, simulated clusters in a child process, a logged-in web client.

Used by bench/worker_isolation.py and bench/job_pickup.py.
"""

from __future__ import annotations

import http.cookiejar
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _simulators(specs, pipe) -> None:
    """Child process: one RapiSimulator per spec; commands from pipe."""
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    sims = {}
    for name, spec in specs.items():
        cluster = SimCluster.generate(
            nodes=spec.get("nodes", 2), instances=spec["instances"], domain=f"{name}.test"
        )
        sims[name] = RapiSimulator(
            cluster, op_duration=spec.get("op_duration", 0.0), workers=spec.get("workers", 2)
        ).start()
    pipe.send(
        {n: {"host": s.host, "port": s.port, "fingerprint": s.fingerprint} for n, s in sims.items()}
    )
    while True:
        command = pipe.recv()
        if command[0] == "stop":
            break
        if command[0] == "inject":
            _, name, kind, params = command
            sims[name].inject(kind, **params)
        elif command[0] == "clear":
            sims[command[1]].clear_faults()
        elif command[0] == "jobs":  # Ganeti's end_ts of each job
            queue = sims[command[1]].queue
            with queue._changed:
                pipe.send({j.id: j.ended for j in queue.jobs.values()})
            continue
        pipe.send("ok")
    for sim in sims.values():
        sim.stop()


class Simulators:
    def __init__(self, specs: dict[str, dict]):
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_simulators, args=(specs, child), daemon=True
        )
        self.process.start()
        self.info = self.pipe.recv()

    def call(self, *command):
        self.pipe.send(command)
        return self.pipe.recv()

    def stop(self) -> None:
        self.pipe.send(("stop",))
        self.process.join(timeout=10)


class Site:
    """A GWM site in a temporary directory, with its processes."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="gwm-bench-live-"))
        (self.base / "etc").mkdir()
        (self.base / "etc" / "settings.conf").write_text(
            f"[paths]\ndata_dir = {self.base}/data\n[logging]\nlevel = warning\n"
        )
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GWM_")}
        self.env["GWM_CONFIG_DIR"] = str(self.base / "etc")
        self.password = "bench-admin-passphrase-1"
        self.run(
            "gwm-init",
            "--noinput",
            "--admin-user",
            "admin",
            "--admin-email",
            "a@b.test",
            GWM_ADMIN_PASSWORD=self.password,
        )
        self.processes: list[subprocess.Popen] = []

    def run(self, command, *args, **env) -> str:
        result = subprocess.run(
            [str(BIN / command), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(f"{command} failed: {result.stderr}")
        return result.stdout

    def add_cluster(self, name: str, sim: dict) -> None:
        secret = self.base / "rapi-password"
        secret.write_text("gwm-secret\n")
        self.run(
            "gwm-manage",
            "cluster",
            "add",
            name,
            "--hostname",
            sim["host"],
            "--port",
            str(sim["port"]),
            "--username",
            "gwm",
            "--password-file",
            str(secret),
            "--fingerprint",
            sim["fingerprint"],
        )

    def start(self, command, *args) -> subprocess.Popen:
        log = open(self.base / f"{command}.log", "a")  # noqa: SIM115 - lives with the process
        process = subprocess.Popen(
            [str(BIN / command), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_server(self, workers: int = 2) -> str:
        port = free_port()
        self.start("gwm-server", "--bind", f"127.0.0.1:{port}", "--workers", str(workers))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(f"{base}/health", timeout=2).status == 200:
                    return base
            except (urllib.error.URLError, OSError):  # not listening, or still starting
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gwm-server did not start: " + self.log("gwm-server"))
            time.sleep(0.1)

    def log(self, command) -> str:
        return (self.base / f"{command}.log").read_text()

    def django(self):
        """Django in this process, on the site's database (read-only use)."""
        os.environ["GWM_CONFIG_DIR"] = self.env["GWM_CONFIG_DIR"]
        sys.path.insert(0, str(ROOT))
        from ganeti_webmgr.commands import common

        common.setup_django()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.base, ignore_errors=True)


class Browser:
    """A logged-in user's cookies and CSRF token."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        form = self.get("/accounts/login/?next=/")
        self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": _token(form), "username": username, "password": password},
        )

    @property
    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()

    def post_action(self, path: str, data) -> str:
        return self.post(path, {"csrfmiddlewaretoken": self.csrf, **data})


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return result


def cluster_list(site: Site) -> dict:
    return {c["name"]: c for c in json.loads(site.run("gwm-manage", "cluster", "list", "--json"))}
