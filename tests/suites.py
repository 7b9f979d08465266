"""Run the test suite on several databases at once, one log per database.

    python tests/suites.py sqlite postgresql mysql [-- pytest arguments]

The suites are independent (each has its own test database, and the tests pick
free ports and X displays), and much of their time is spent waiting on the
database server, so running them side by side takes about as long as the
slowest one instead of the sum. A database server that does not answer is
skipped with the reason printed. Each suite's log goes to
test-output/suites/<database>.log; the log of a failed suite is printed whole,
a passing one by its summary line. Tests marked any_database (they check nothing
that depends on the engine: gwm-server's processes, the nginx configuration,
websocket frames) run in the SQLite suite only.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "test-output" / "suites"


def database_env(database: str) -> tuple[dict[str, str] | None, str]:
    """The environment for one database's run, or None and why it is skipped."""
    if database == "sqlite":
        return {}, ""
    probe = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "database_env.py"), database],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return None, (probe.stdout or probe.stderr).strip()
    return dict(item.split("=", 1) for item in probe.stdout.split()), ""


def default_markers() -> str:
    """The -m expression of pyproject.toml's addopts (a second -m replaces it)."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    addopts = shlex.split(options["ini_options"]["addopts"])
    return addopts[addopts.index("-m") + 1]


def summary(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def main(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        databases, pytest_args = argv[:split], argv[split + 1 :]
    else:
        databases, pytest_args = argv, []
    if not databases:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    LOGS.mkdir(parents=True, exist_ok=True)
    running = {}
    for database in databases:
        env, why = database_env(database)
        if env is None:
            print(f"== {database}: {why}")
            continue
        log = LOGS / f"{database}.log"
        print(f"== {database}: running, log in {log.relative_to(ROOT)}", flush=True)
        selection = []
        if database != "sqlite" and not any(arg.startswith("-m") for arg in pytest_args):
            # What does not depend on the engine (marked any_database) runs once.
            selection = ["-m", f"({default_markers()}) and not any_database"]
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        process = subprocess.Popen(
            [*pytest, *selection, *pytest_args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        running[database] = (process, log, time.monotonic())
    failed = []
    try:
        while running:
            for database, (process, log, started) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[database]
                took = time.monotonic() - started
                if process.returncode == 0:
                    print(f"== {database}: {summary(log)} ({took:.0f} s)", flush=True)
                else:
                    failed.append(database)
                    print(f"== {database}: FAILED ({took:.0f} s); its log:", flush=True)
                    sys.stdout.write(log.read_text(errors="replace"))
                    sys.stdout.flush()
            time.sleep(0.5)
    except KeyboardInterrupt:
        for process, _log, _started in running.values():
            process.terminate()
        raise
    if failed:
        print(f"== failed on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
