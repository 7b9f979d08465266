"""The translation catalogs: each app's .po files compiled into the .mo files Django reads.

The .mo files are build outputs (git-ignored). The wheel's build (setup.py), the
packages, `make run` and the tests that render pages in another language compile
the catalogs that are missing or older than their .po, with gettext's msgfmt:

    python3 -m ganeti_webmgr.core.catalogs [--force]

Standard library only: setup.py imports it before any dependency is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the ganeti_webmgr package


class MsgfmtMissing(RuntimeError):
    pass


def catalogs(root: Path = ROOT) -> list[Path]:
    """Every app's .po file."""
    return sorted(root.glob("*/locale/*/LC_MESSAGES/*.po"))


def compile_catalogs(root: Path = ROOT, force: bool = False) -> list[Path]:
    """msgfmt every stale catalog (all with force); returns the .mo files written."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise MsgfmtMissing(
            "msgfmt is missing: install gettext (Debian and Fedora name the package so)"
        )
    written = []
    for po in catalogs(root):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            # Our own catalogs, by a path found above; --check refuses a broken format.
            subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)  # noqa: S603
            written.append(mo)
    return written


def main(argv: list[str]) -> int:
    force = argv == ["--force"]
    if argv and not force:
        print("usage: python3 -m ganeti_webmgr.core.catalogs [--force]", file=sys.stderr)
        return 2
    try:
        written = compile_catalogs(force=force)
    except MsgfmtMissing as error:
        print(error, file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"msgfmt failed on {error.cmd[-1]}", file=sys.stderr)
        return 1
    print(f"{len(written)} of {len(catalogs())} translation catalogs compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
