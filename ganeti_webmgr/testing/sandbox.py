"""The real Ganeti sandbox in tests (make test-ganeti): commands run inside it, and
instances made for one test and removed after it (the sandbox is shared by the run)."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bin/ganeti-sandbox"


def gnt(*args: str) -> str:
    """Run a Ganeti command in the sandbox; its output (hook failures are reported there)."""
    result = subprocess.run(
        [str(SCRIPT), "exec", *args], check=True, capture_output=True, text=True, timeout=180
    )
    return result.stdout + result.stderr


def unique(stem: str) -> str:
    return f"{stem}-{secrets.token_hex(3)}.ganeti.test"


def add_instance(env: dict[str, str], name: str, *, disk_template: str = "diskless") -> str:
    """A stopped instance on the sandbox's node, without name or IP check (the sandbox's
    names resolve nowhere); a file one has a 1 GiB disk (Ganeti's smallest by default)."""
    disks = ["--disk", "0:size=1G"] if disk_template != "diskless" else []
    return gnt(
        "gnt-instance",
        "add",
        "-t",
        disk_template,
        *disks,
        "-o",
        env.get("GANETI_OS", "noop+default"),
        "--no-name-check",
        "--no-ip-check",
        "--no-start",
        "--no-install",
        "-n",
        env["GANETI_NODE_NAME"],
        name,
    )


def remove_instance(name: str) -> None:
    """Remove name if Ganeti has it (a test may have deleted or renamed it)."""
    subprocess.run(
        [str(SCRIPT), "exec", "gnt-instance", "remove", "-f", name],
        capture_output=True,
        timeout=180,
        check=False,
    )
