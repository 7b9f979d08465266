"""Make a virtualenv built under a package's staging root ready to ship.

    python3.11 packaging/finish_venv.py DESTDIR /opt/ganeti-webmgr

debian/rules and rpm/ganeti-webmgr.spec both build the venv at DESTDIR/opt/...
(debian/ganeti-webmgr/, rpm's %{buildroot}) and run this afterwards, so that the
two packages get the same treatment:

1. byte-compile everything with the installed path in the code objects and
   hash-based invalidation (pip ran with --no-compile: it would have put the
   staging path into every .pyc, and the mtimes change on the way to the user);
2. point every script in bin/ at <venv>/bin/python with a plain #! line (pip
   writes the staging path, or a /bin/sh trampoline when that path is long);
3. rewrite the staging path in the activate scripts; drop the records of where
   things were built (direct_url.json, the "command" line of pyvenv.cfg) and
   the empty include/ directory;
4. clear the executable bit of library files without a #! line (modules some
   wheels ship executable, e.g. certifi's tests: imported, never run);
5. fail if the staging root or the source tree still appears in any file.

finish_site_dir() does 1, 3 (direct_url.json), 4 and 5 for the directory a feature
package adds (install_feature.py).
"""

from __future__ import annotations

import compileall
import py_compile
import re
import sys
from pathlib import Path

TRAMPOLINE = re.compile(rb"\A#!/bin/sh\n'''exec' .*\n' '''\n")
SHEBANG = re.compile(rb"\A#!\S*/python[0-9.]*\n")


def fix_scripts(bin_dir: Path, destdir: bytes, python: bytes) -> None:
    for path in sorted(bin_dir.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:1024]:
            continue  # not a script
        new = TRAMPOLINE.sub(b"#!" + python + b"\n", data, count=1)
        new = SHEBANG.sub(b"#!" + python + b"\n", new, count=1)
        new = new.replace(destdir, b"")  # activate, activate.csh, activate.fish
        if new != data:
            path.write_bytes(new)


def clear_exec_bits(lib: Path) -> None:
    for path in lib.rglob("*"):
        if path.is_symlink() or not path.is_file() or not path.stat().st_mode & 0o111:
            continue
        with path.open("rb") as f:
            if f.read(2) == b"#!":
                continue
        path.chmod(path.stat().st_mode & ~0o111)


def leaks(root: Path, needles: list[bytes]) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                found.append(path)
    return found


def compile_tree(root: Path, tree: Path) -> bool:
    """Byte-code for every module under tree, naming the installed path (root stripped)."""
    ok = compileall.compile_dir(
        tree,
        quiet=1,
        force=True,
        workers=0,
        stripdir=str(root),
        prependdir="/",
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    if not ok:
        print("finish_venv: byte-compiling failed", file=sys.stderr)
    return ok


def finish_site_dir(root: Path, site: Path) -> int:
    """The same for a feature package's directory of distributions (install_feature.py)."""
    if not compile_tree(root, site):
        return 1
    clear_exec_bits(site)
    for record in site.glob("*.dist-info/direct_url.json"):
        record.unlink()
    bad = leaks(site, [str(root).encode(), str(Path.cwd()).encode()])
    for path in bad:
        print(f"finish_venv: build path left in {path}", file=sys.stderr)
    return 1 if bad else 0


def main(destdir: str, venv: str) -> int:
    root = Path(destdir).resolve()
    staged = root / venv.lstrip("/")
    python = f"{venv}/bin/python".encode()

    if not compile_tree(root, staged / "lib"):
        return 1
    fix_scripts(staged / "bin", str(root).encode(), python)
    clear_exec_bits(staged / "lib")

    for record in staged.glob("lib/python3*/site-packages/*.dist-info/direct_url.json"):
        record.unlink()
    cfg = staged / "pyvenv.cfg"
    lines = cfg.read_text().splitlines(keepends=True)
    cfg.write_text("".join(line for line in lines if not line.startswith("command = ")))
    for directory in sorted((staged / "include").glob("**/"), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()

    bad = leaks(root, [str(root).encode(), str(Path.cwd()).encode()])
    for path in bad:
        print(f"finish_venv: build path left in {path}", file=sys.stderr)
    if not (staged / "bin/gwm-init").read_bytes().startswith(b"#!" + python + b"\n"):
        print(f"finish_venv: bin/gwm-init does not start with #!{venv}/bin/python", file=sys.stderr)
        bad.append(staged / "bin/gwm-init")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    sys.exit(main(sys.argv[1], sys.argv[2]))
