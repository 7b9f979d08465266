"""packaging/stamp_release.py: a release tree takes its version and changelogs from the tags."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "packaging" / "stamp_release.py"


def git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "PATH": "/usr/bin:/bin",
        "HOME": str(repo),
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


@pytest.fixture
def repo(tmp_path):
    """A repository with the three files that carry a version, and two releases tagged."""
    repo = tmp_path / "repo"
    for name in ("ganeti_webmgr/__init__.py", "debian/changelog", "debian/control"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, repo / name)
    (repo / "rpm").mkdir()
    shutil.copy(ROOT / "rpm" / "ganeti-webmgr.spec", repo / "rpm")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "The beginning")
    git(repo, "tag", "-am", "1.0.0", "v1.0.0")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Worker: 100% fewer polls " + "long " * 20)
    git(repo, "tag", "not-a-release")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Fix the VM list")
    git(repo, "tag", "-am", "1.1.0", "v1.1.0")
    git(repo, "commit", "-q", "--allow-empty", "-m", "After the release")
    return repo


def stamp(repo: Path, tag: str, tmp_path: Path) -> Path:
    """The tag exported as packaging/release exports it, then stamped."""
    tree = tmp_path / f"tree-{tag}"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", tag], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(repo), tag, str(tree)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return tree


def test_it_writes_the_tags_version_everywhere(repo, tmp_path):
    tree = stamp(repo, "v1.1.0", tmp_path)
    assert '__version__ = "1.1.0"' in (tree / "ganeti_webmgr" / "__init__.py").read_text()
    spec = (tree / "rpm" / "ganeti-webmgr.spec").read_text()
    assert "\nVersion:        1.1.0\n" in spec
    assert "~dev" not in spec
    if shutil.which("dpkg-parsechangelog"):
        version = subprocess.run(
            ["dpkg-parsechangelog", "-S", "Version"], cwd=tree, capture_output=True, text=True
        )
        assert version.stdout.strip() == "1.1.0"


def test_it_lists_the_commits_since_the_previous_tag(repo, tmp_path):
    tree = stamp(repo, "v1.1.0", tmp_path)
    changelog = (tree / "debian" / "changelog").read_text()
    newest, older = changelog.split("\n\nganeti-webmgr (1.0.0)")
    assert newest.startswith("ganeti-webmgr (1.1.0) bookworm; urgency=medium")
    assert "  * Worker: 100% fewer polls long" in newest
    assert "  * Fix the VM list" in newest
    assert "After the release" not in changelog  # after the tag
    assert "The beginning" not in newest
    assert "  * First release." in older
    changes = [line for line in changelog.splitlines() if line.startswith("  ")]
    assert changes and all(len(line) <= 80 for line in changes)
    if shutil.which("dpkg-parsechangelog"):
        entries = subprocess.run(
            ["dpkg-parsechangelog", "--all", "--format", "rfc822"],
            cwd=tree,
            capture_output=True,
            text=True,
            check=True,
        )
        versions = re.findall(r"^Version: (.*)$", entries.stdout, re.M)
        assert versions == ["1.1.0", "1.0.0"]


def test_it_escapes_percent_in_the_spec_changelog(repo, tmp_path):
    tree = stamp(repo, "v1.1.0", tmp_path)
    spec = (tree / "rpm" / "ganeti-webmgr.spec").read_text()
    changelog = spec.split("\n%changelog\n")[1]
    assert changelog.startswith("* ")
    assert " - 1.1.0-1\n- Worker: 100%% fewer polls" in changelog
    assert " - 1.0.0-1\n- First release.\n" in changelog
    if shutil.which("rpmspec"):
        parsed = subprocess.run(
            [
                "rpmspec",
                "-q",
                "--srpm",
                "--qf",
                "[%{CHANGELOGTEXT}\\n]",
                str(tree / "rpm" / "ganeti-webmgr.spec"),
            ],
            capture_output=True,
            text=True,
        )
        assert parsed.returncode == 0, parsed.stderr
        assert "- Worker: 100% fewer polls" in parsed.stdout


def test_an_older_tag_knows_nothing_of_later_ones(repo, tmp_path):
    tree = stamp(repo, "v1.0.0", tmp_path)
    changelog = (tree / "debian" / "changelog").read_text()
    assert changelog.startswith("ganeti-webmgr (1.0.0) bookworm")
    assert "1.1.0" not in changelog


def test_it_refuses_a_tag_that_is_not_vxyz(repo, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(repo), "not-a-release", str(tree)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "not a vX.Y.Z tag" in result.stderr
