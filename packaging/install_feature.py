"""Install a feature package's libraries beside a staged GWM virtualenv.

    STAGED_VENV/bin/python packaging/install_feature.py NAME DESTDIR VENV [PIP_ARGS...]

Run with the python of the virtualenv debian/rules or rpm/ganeti-webmgr.spec has just
built (and finish_venv.py finished); VENV is where it is installed (/opt/ganeti-webmgr).
Into DESTDIR (the feature package's staging root: debian/ganeti-webmgr-NAME/, or
rpm's %{buildroot}, shared with the main package) it puts:

  VENV/features/NAME/              the distributions of requirements/NAME.txt that the
                                   main package does not have (pip --target, hash-checked)
  VENV/lib/pythonX.Y/site-packages/ganeti-webmgr-NAME.pth
                                   one line naming that directory, so the venv's python
                                   finds it (after its own site-packages: a feature never
                                   shadows a base library)

The distributions the lock shares with the main package's locks must be the same
versions (the feature's .in file constrains itself with -c base.txt); they are not
installed twice. Then `pip check` over the venv and the feature together, and the
treatment of finish_venv.py: byte-code with the installed paths, no executable
library files, no record of the build directory. PIP_ARGS: --no-index --find-links=DIR
for an offline build.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import finish_venv

REPO = Path(__file__).resolve().parent.parent
# What the main package's virtualenv is built from (debian/rules, the spec's %install).
MAIN_LOCKS = [REPO / "requirements/build.txt", REPO / "packaging/requirements.txt"]
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, tuple[str, str]]:
    """{name: (version, the entry with its hashes, on one line)} of a pip-compile lock
    file, following its -r includes."""
    found: dict[str, tuple[str, str]] = {}
    text = re.sub(r"\s*\\\n\s*", " ", path.read_text())  # continuation lines joined
    for line in text.splitlines():
        if line.startswith("-r "):
            found.update(pins(path.parent / line[3:].strip()))
        elif match := REQUIREMENT.match(line):
            found[canonical(match.group(1))] = (match.group(2), line.strip() + "\n")
    return found


def feature_lock(name: str) -> str:
    """The entries of requirements/NAME.txt the main package lacks; exits on a version
    that differs from the main package's."""
    main: dict[str, tuple[str, str]] = {}
    for lock in MAIN_LOCKS:
        main.update(pins(lock))
    wanted = pins(REPO / f"requirements/{name}.txt")
    clashes = [
        f"{dist} {version} (the main package has {main[dist][0]})"
        for dist, (version, _) in sorted(wanted.items())
        if dist in main and main[dist][0] != version
    ]
    if clashes:
        sys.exit(f"install_feature: requirements/{name}.txt pins other versions: {clashes}")
    return "".join(text for dist, (_, text) in sorted(wanted.items()) if dist not in main)


def main(name: str, destdir: str, venv: str, pip_args: list[str]) -> int:
    root = Path(destdir).resolve()
    site = f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
    installed = f"{venv}/features/{name}"
    target = root / installed.lstrip("/")
    if target.exists():
        sys.exit(f"install_feature: {target} exists already")
    with tempfile.NamedTemporaryFile("w", suffix=f"-{name}.txt") as lock:
        lock.write(feature_lock(name))
        lock.flush()
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir"]
        install = ["install", "--no-deps", "--no-build-isolation", "--no-compile"]
        install += ["--require-hashes", "--target", str(target), "-r", lock.name, *pip_args]
        subprocess.run([*pip, *install], check=True)  # noqa: S603 - this venv's pip
    if (target / "bin").exists():
        sys.exit(f"install_feature: requirements/{name}.txt brings commands ({target}/bin)")
    # The venv and the feature together, as the .pth file joins them once installed.
    environ = {**os.environ, "PYTHONPATH": str(target)}
    subprocess.run([*pip, "check"], check=True, env=environ)  # noqa: S603 - as above
    pth = root / venv.lstrip("/") / site / f"ganeti-webmgr-{name}.pth"
    pth.parent.mkdir(parents=True, exist_ok=True)
    pth.write_text(installed + "\n")
    return finish_venv.finish_site_dir(root, target)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__.split("\n\n")[1])
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
