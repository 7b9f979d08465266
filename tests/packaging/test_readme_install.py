"""The README's install commands: what packaging/test-packages runs, and what they must say."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "packaging" / "readme_install.py"
README = ROOT / "README.md"
URL = "https://packages.ganeti-webmgr.example/"
LOOPBACK = "http://127.0.0.1:4242/site/"


def commands(which: str, readme: Path = README, *base_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(readme), which, *base_url],
        capture_output=True,
        text=True,
    )


def test_it_changes_the_base_url_and_nothing_else():
    result = commands("debian", README, LOOPBACK)
    assert result.returncode == 0, result.stderr
    original = commands("debian").stdout
    assert URL in original and URL not in result.stdout
    assert result.stdout == original.replace(URL, LOOPBACK)


def test_the_debian_commands_verify_the_repository_with_its_own_key():
    script = commands("debian").stdout
    assert "trusted=yes" not in script.lower()
    keyring = "/usr/share/keyrings/ganeti-webmgr-archive-keyring.gpg"
    assert f"curl -fsSLo {keyring} {URL}keys/ganeti-webmgr-archive-keyring.gpg" in script
    assert f"Signed-By: {keyring}\n" in script
    assert f"URIs: {URL}apt\n" in script


def test_the_debian_commands_start_from_minbase_and_end_with_the_services():
    lines = commands("debian").stdout.splitlines()
    # minbase has no curl and no CA certificates: installed before the first download
    assert lines[1] == "apt-get update && apt-get install -y ca-certificates curl"
    assert lines.index(
        "apt-get install -y ganeti-webmgr ganeti-webmgr-archive-keyring"
    ) > lines.index("apt-get update")
    assert any(line.startswith("gwm-init ") for line in lines)
    assert lines[-1] == "systemctl start ganeti-webmgr ganeti-webmgr-worker"


def test_the_rpm_commands_use_the_repo_file_and_dnf():
    script = commands("rpm").stdout
    assert f"{URL}rpm/ganeti-webmgr.repo" in script
    assert "dnf install -y ganeti-webmgr" in script
    assert "yum install" not in script


def test_install_docs_agree_with_the_readme_on_dnf():
    install = (ROOT / "docs" / "install.rst").read_text()
    assert "yum install" not in install and "yum install" not in README.read_text()
    assert "dnf install -y ganeti-webmgr" in install
    assert f"{URL}rpm/ganeti-webmgr.repo" in install


def test_the_makefile_publishes_at_the_readme_url():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^RELEASE_URL \?= {re.escape(URL)}$", makefile, re.M)


@pytest.mark.parametrize("which", ["debian", "rpm"])
def test_a_readme_without_the_url_fails(tmp_path, which):
    readme = tmp_path / "README.md"
    readme.write_text(README.read_text().replace(URL, "https://elsewhere.example/"))
    result = commands(which, readme)
    assert result.returncode == 1
    assert URL in result.stderr


def test_a_readme_without_the_block_fails(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README.read_text().replace("# Debian 12, as root", "# Debian"))
    result = commands("debian", readme)
    assert result.returncode == 1
    assert "no ```sh block" in result.stderr
