"""Give an exported release tree the version of its tag, and changelogs from git.

    stamp_release.py REPO TAG TREE

REPO is the git repository holding TAG (vX.Y.Z); TREE is `git archive TAG`
unpacked. The tag is the only source of a release's version: this writes it
into TREE's ganeti_webmgr/__init__.py and the spec's Version:, and writes
debian/changelog and the spec's %changelog with one entry per vX.Y.Z tag up to
TAG, listing the commit subjects since the tag before it. The entries' dates
are the tags' own, so the same tag always gives the same files.
"""

from __future__ import annotations

import email.utils
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")


@dataclass
class Entry:
    version: str
    when: datetime
    changes: list[str]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(  # noqa: S603 - git with arguments of our own
        ["git", "-C", str(repo), *args],  # noqa: S607 - git from PATH, as a developer runs it
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def entries(repo: Path, tag: str) -> list[Entry]:
    """Newest first: TAG and every older vX.Y.Z tag reachable from it."""
    if not TAG.match(tag):
        raise SystemExit(f"stamp_release: {tag!r} is not a vX.Y.Z tag")
    merged = git(repo, "tag", "--list", "v*", "--merged", tag).split()
    tags = sorted(
        (t for t in merged if TAG.match(t)), key=lambda t: tuple(map(int, TAG.match(t).groups()))
    )
    tags = tags[: tags.index(tag) + 1]
    result = []
    for previous, current in zip([None, *tags], tags, strict=False):
        stamp = git(repo, "for-each-ref", "--format=%(creatordate:unix)", f"refs/tags/{current}")
        span = f"{previous}..{current}" if previous else current
        subjects = git(repo, "log", "--no-merges", "--reverse", "--format=%s", span).splitlines()
        changes = ["First release."] if previous is None else [s for s in subjects if s.strip()]
        result.append(
            Entry(
                version=current[1:],
                when=datetime.fromtimestamp(int(stamp), UTC),
                changes=changes or ["No change but the version."],
            )
        )
    return result[::-1]


def maintainer(tree: Path) -> str:
    control = (tree / "debian" / "control").read_text()
    return re.search(r"^Maintainer: *(.+)$", control, re.M).group(1).strip()


def debian_changelog(items: list[Entry], who: str) -> str:
    out = []
    for entry in items:
        out.append(f"ganeti-webmgr ({entry.version}) bookworm; urgency=medium\n\n")
        for change in entry.changes:
            out.append(textwrap.fill(change, 78, initial_indent="  * ", subsequent_indent="    "))
            out.append("\n")
        out.append(f"\n -- {who}  {email.utils.format_datetime(entry.when)}\n\n")
    return "".join(out).rstrip("\n") + "\n"


def spec_changelog(items: list[Entry], who: str) -> str:
    out = []
    for entry in items:
        out.append(f"* {entry.when:%a %b %d %Y} {who} - {entry.version}-1\n")
        for change in entry.changes:
            # % starts a macro in a spec, even in %changelog.
            line = textwrap.fill(change, 76, initial_indent="- ", subsequent_indent="  ")
            out.append(line.replace("%", "%%") + "\n")
        out.append("\n")
    return "".join(out).rstrip("\n") + "\n"


def stamp(repo: Path, tag: str, tree: Path) -> None:
    items = entries(repo, tag)
    version = items[0].version
    who = maintainer(tree)

    init = tree / "ganeti_webmgr" / "__init__.py"
    code, n = re.subn(
        r'^__version__ = ".*"$', f'__version__ = "{version}"', init.read_text(), flags=re.M
    )
    if n != 1:
        raise SystemExit(f"stamp_release: no __version__ line in {init}")
    init.write_text(code)

    (tree / "debian" / "changelog").write_text(debian_changelog(items, who))

    path = tree / "rpm" / "ganeti-webmgr.spec"
    spec = path.read_text()
    spec, n = re.subn(r"^Version:( *).*$", rf"Version:\g<1>{version}", spec, count=1, flags=re.M)
    head, sep, _ = spec.partition("\n%changelog\n")
    if n != 1 or not sep:
        raise SystemExit(f"stamp_release: no Version: or %changelog in {path}")
    path.write_text(head + sep + spec_changelog(items, who))
    print(f"stamp_release: {tree} is version {version} ({len(items)} changelog entries)")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    stamp(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
