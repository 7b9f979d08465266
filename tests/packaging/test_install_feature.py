"""packaging/install_feature.py: a feature package gets what its lock adds to the venv."""

import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).parents[2] / "packaging"
sys.path.insert(0, str(PACKAGING))
import finish_venv  # noqa: E402
import install_feature  # noqa: E402


def lock(path: Path, *entries: str) -> Path:
    lines = [
        f"{entry} \\\n    --hash=sha256:{'a' * 64} \\\n    --hash=sha256:{'b' * 64}\n    # via x"
        for entry in entries
    ]
    path.write_text("# pip-compile output\n" + "\n".join(lines) + "\n")
    return path


def test_it_reads_a_lock_with_its_includes(tmp_path):
    lock(tmp_path / "base.txt", "Django==5.2.19", "sqlparse==0.6.1")
    lock(tmp_path / "extra.txt", "python_ldap==3.4.8")
    (tmp_path / "main.txt").write_text("-r base.txt\n-r extra.txt\n")
    pins = install_feature.pins(tmp_path / "main.txt")
    assert {name: version for name, (version, _) in pins.items()} == {
        "django": "5.2.19",
        "sqlparse": "0.6.1",
        "python-ldap": "3.4.8",
    }
    assert (
        pins["django"][1] == f"Django==5.2.19 --hash=sha256:{'a' * 64} --hash=sha256:{'b' * 64}\n"
    )


def test_the_ldap_lock_adds_only_what_the_main_package_lacks():
    text = install_feature.feature_lock("ldap")
    names = [line.split("==")[0] for line in text.splitlines()]
    assert names == ["django-auth-ldap", "pyasn1", "pyasn1-modules", "python-ldap"]
    assert all("--hash=sha256:" in line for line in text.splitlines())


def test_it_refuses_a_lock_that_pins_another_version(tmp_path, monkeypatch):
    lock(tmp_path / "main.txt", "Django==5.2.19")
    (tmp_path / "requirements").mkdir()
    lock(tmp_path / "requirements" / "demo.txt", "Django==5.2.1", "demo==1.0")
    monkeypatch.setattr(install_feature, "REPO", tmp_path)
    monkeypatch.setattr(install_feature, "MAIN_LOCKS", [tmp_path / "main.txt"])
    with pytest.raises(SystemExit, match=r"pins other versions: \['django 5.2.1 \(the main"):
        install_feature.feature_lock("demo")


def test_a_feature_directory_is_finished_like_the_venv(tmp_path, monkeypatch):
    root = tmp_path / "debian" / "ganeti-webmgr-demo"
    site = root / "opt/ganeti-webmgr/features/demo"
    (site / "demo-1.0.dist-info").mkdir(parents=True)
    (site / "demo-1.0.dist-info" / "direct_url.json").write_text(f"file://{tmp_path}")
    (site / "demo.py").write_text("X = 1\n")
    (site / "demo.py").chmod(0o755)
    monkeypatch.chdir(tmp_path)
    assert finish_venv.finish_site_dir(root, site) == 0
    assert not (site / "demo.py").stat().st_mode & 0o111
    assert not (site / "demo-1.0.dist-info" / "direct_url.json").exists()
    (pyc,) = (site / "__pycache__").glob("demo.*.pyc")
    assert b"/opt/ganeti-webmgr/features/demo/demo.py" in pyc.read_bytes()
    assert str(tmp_path).encode() not in pyc.read_bytes()
    (site / "leak.txt").write_text(str(root))
    assert finish_venv.finish_site_dir(root, site) == 1
