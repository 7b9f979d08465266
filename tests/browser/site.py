"""A live GWM for the browser tests: gwm-init, gwm-server (real gunicorn) and gwm-worker.

Runs as real processes on a throwaway configuration directory with its own SQLite
database, listening on a free loopback port, the way an operator would run them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent

# Short enough that the tests see Ganeti's changes quickly (jobs also ask for a sync
# when they end), long enough to leave the sandbox mostly idle.
SETTINGS = """\
# Made by tests/browser/site.py for one test session.
[paths]
data_dir = {data_dir}
[worker]
sync_interval = 10
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveGWM:
    root: Path
    url: str = ""
    admin_user: str = "admin"
    admin_password: str = ""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def config_dir(self) -> Path:
        return self.root / "etc"

    @property
    def env(self) -> dict[str, str]:
        # Nothing of the pytest process's own GWM configuration leaks in: SQLite here.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GWM_")}
        env["GWM_CONFIG_DIR"] = str(self.config_dir)
        return env

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def start(self) -> None:
        self.config_dir.mkdir(parents=True)
        (self.config_dir / "settings.conf").write_text(SETTINGS.format(data_dir=self.root / "data"))
        password_file = self.root / "admin-password"
        subprocess.run(
            [
                str(BIN / "gwm-init"),
                "--noinput",
                "--admin-user",
                self.admin_user,
                "--admin-email",
                "admin@example.org",
                "--password-file",
                str(password_file),
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
        )
        self.admin_password = password_file.read_text().strip()
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._spawn("server", "gwm-server", "--bind", f"127.0.0.1:{port}", "--workers", "2")
        self._spawn("worker", "gwm-worker", "--name", "browser-tests")
        self._wait_healthy()

    def _spawn(self, name: str, command: str, *args: str) -> None:
        with open(self.log(name), "wb") as log:
            self.processes[name] = subprocess.Popen(
                [str(BIN / command), *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=10) as answer:
                    if answer.status == 200:
                        return
            except OSError:  # not listening yet, or its workers still booting
                pass
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.tail(name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gwm-server not healthy:\n{self.tail('server')}")
            time.sleep(0.2)

    def manage(self, *args: str, input: str | None = None) -> str:
        """gwm-manage on the live site's database; its output."""
        done = subprocess.run(
            [str(BIN / "gwm-manage"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        if done.returncode:
            raise RuntimeError(f"gwm-manage {args[0]}: {done.stderr or done.stdout}")
        return done.stdout

    def tail(self, name: str, lines: int = 40) -> str:
        try:
            return "\n".join(self.log(name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """TERM each process (gunicorn's master then stops its workers), KILL if it hangs."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
