"""packaging/finish_venv.py: what both packages do to the venv before shipping it."""

import subprocess
import sys
import venv
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "packaging" / "finish_venv.py"
FINAL = "/opt/ganeti-webmgr"


def run(destdir: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(destdir), FINAL],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def staged(tmp_path):
    """A small venv staged under DESTDIR/opt/ganeti-webmgr, as pip leaves it."""
    destdir = tmp_path / "debian" / "ganeti-webmgr"
    root = destdir / FINAL.lstrip("/")
    venv.EnvBuilder(with_pip=False, symlinks=True).create(root)
    site = next(root.glob("lib/python3*/site-packages"))
    (site / "demo.py").write_text("def where():\n    return __file__\n")
    info = site / "demo-1.0.dist-info"
    info.mkdir()
    (info / "direct_url.json").write_text(f'{{"url": "file://{tmp_path}"}}')
    python = root / "bin" / "python"
    (root / "bin" / "gwm-init").write_text(f"#!{python}\nprint('init')\n")
    # pip's form for interpreter paths too long for a #! line
    (root / "bin" / "gwm-server").write_text(
        f"#!/bin/sh\n'''exec' \"{python}\" \"$0\" \"$@\"\n' '''\nprint('server')\n"
    )
    with open(root / "pyvenv.cfg", "a") as cfg:
        cfg.write(f"command = {sys.executable} -m venv {root}\n")
    return destdir, root, site


def test_it_leaves_no_trace_of_the_build_directory(staged, tmp_path):
    destdir, root, site = staged
    result = run(destdir, tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("gwm-init", "gwm-server"):
        assert (root / "bin" / name).read_text().startswith(f"#!{FINAL}/bin/python\nprint(")
    assert "command = " not in (root / "pyvenv.cfg").read_text()
    assert not (site / "demo-1.0.dist-info" / "direct_url.json").exists()
    activate = (root / "bin" / "activate").read_text()
    assert FINAL in activate and str(tmp_path) not in activate
    pyc = next((site / "__pycache__").glob("demo.*.pyc"))
    assert str(tmp_path).encode() not in pyc.read_bytes()
    assert f"{FINAL}/lib/".encode() in pyc.read_bytes()  # tracebacks name the installed file


def test_it_fails_when_the_build_path_is_left_somewhere(staged, tmp_path):
    destdir, _, site = staged
    (site / "leak.txt").write_text(f"built in {tmp_path}\n")
    result = run(destdir, tmp_path)
    assert result.returncode == 1
    assert f"finish_venv: build path left in {site / 'leak.txt'}" in result.stderr
