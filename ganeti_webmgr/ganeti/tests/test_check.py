"""python -m ganeti_webmgr.ganeti.check against the simulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ganeti_webmgr.ganeti import check

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "rapi-password"
    path.write_text("gwm-secret\n")
    return path


def args(sim, password_file, *extra):
    return ["--url", sim.url, "--user", "gwm", "--password-file", str(password_file), *extra]


def test_it_prints_version_features_and_counts(sim, password_file, capsys):
    assert check.main(args(sim, password_file, "--fingerprint", sim.fingerprint)) == 0
    out = capsys.readouterr().out
    assert "cluster:      cluster.sim.test" in out
    assert "rapi version: 2" in out
    assert "features:     instance-create-reqv1, instance-reinstall-reqv1" in out
    assert "nodes:        2" in out and "instances:    4" in out
    assert "gwm-secret" not in out


def test_it_verifies_with_a_ca_file(sim, password_file, capsys):
    assert check.main(args(sim, password_file, "--ca-file", sim.ca_file)) == 0
    assert "instances:    4" in capsys.readouterr().out


def test_it_fails_cleanly_on_a_wrong_fingerprint(sim, password_file, capsys):
    code = check.main(args(sim, password_file, "--fingerprint", "00" * 32))
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and "pinned fingerprint" in err
    assert sim.requests == []


def test_it_fails_cleanly_on_bad_credentials(sim, tmp_path, capsys):
    wrong = tmp_path / "pw"
    wrong.write_text("nope")
    assert check.main(args(sim, wrong, "--fingerprint", sim.fingerprint)) == 1
    assert "bad credentials" in capsys.readouterr().err


def test_it_fails_cleanly_on_a_missing_password_file(sim, tmp_path, capsys):
    assert check.main(args(sim, tmp_path / "absent", "--fingerprint", sim.fingerprint)) == 1
    assert "cannot read the password file" in capsys.readouterr().err


def test_it_shows_the_certificate_fingerprint_without_credentials(sim, capsys):
    assert check.main(["--url", sim.url, "--show-fingerprint"]) == 0
    assert capsys.readouterr().out.strip() == sim.fingerprint
    assert sim.requests == []


def test_it_rejects_a_pin_and_a_ca_file_together(sim, password_file, capsys):
    with pytest.raises(SystemExit) as info:
        check.main(
            args(sim, password_file, "--fingerprint", sim.fingerprint, "--ca-file", sim.ca_file)
        )
    assert info.value.code == 2


def test_it_runs_as_a_module(sim, password_file):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ganeti_webmgr.ganeti.check",
            *args(sim, password_file, "--fingerprint", sim.fingerprint),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert result.returncode == 0, result.stderr
    assert "nodes:        2" in result.stdout


def test_gwm_manage_rapi_check_runs_it(sim, password_file):
    gwm_manage = Path(sys.executable).parent / "gwm-manage"
    result = subprocess.run(
        [
            str(gwm_manage),
            "rapi_check",
            *args(sim, password_file, "--fingerprint", sim.fingerprint),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "nodes:        2" in result.stdout
    usage = subprocess.run(
        [str(gwm_manage), "rapi_check"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2
    assert usage.stderr.startswith("usage: gwm-manage rapi_check")
