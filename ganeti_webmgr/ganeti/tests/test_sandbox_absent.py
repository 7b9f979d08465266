"""Without the sandbox, the ganeti-marked tests fail; they are never skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_it_fails_the_ganeti_tests_when_the_sandbox_is_down(tmp_path):
    env = dict(os.environ, GANETI_SANDBOX_ENV=str(tmp_path / "absent.env"))
    test = Path(__file__).with_name("test_contract.py")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:django",
            "-o",
            "addopts=",
            "-m",
            "ganeti",
            "-q",
            "-rfEs",
            f"{test}::test_it_rejects_a_wrong_password",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
        cwd=test.parents[3],
    )
    out = result.stdout
    summary = out.strip().splitlines()[-1]
    assert result.returncode == 1, out
    assert "1 failed" in summary and "skipped" not in summary and "error" not in summary
    assert "the Ganeti sandbox is not up" in out
