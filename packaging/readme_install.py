"""The README's install commands, as packaging/test-packages runs them.

    readme_install.py README.md debian|debian-upgrade|rpm [BASE_URL]

Prints the shell block of README.md whose first line is that block's
"# ..." title (see TITLES), with the one thing a test may change: the base
URL the releases are published at (RELEASE_URL) replaced by BASE_URL. Every
other character is the README's. Exits 1 when the block is missing or does
not name RELEASE_URL, so a README that drifts from the test fails it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Where releases are published (docs/packaging.rst, "Hosting the repositories");
# the Makefile's RELEASE_URL default is the same.
RELEASE_URL = "https://packages.ganeti-webmgr.example/"
TITLES = {
    "debian": "# Debian 12, as root",
    "debian-upgrade": "# Debian 12: upgrade to a newer release",
    "rpm": "# Fedora or EL9, as root",
}
FENCE = re.compile(r"^```sh\n(.*?)^```$", re.M | re.S)


def block(readme: str, which: str) -> str:
    title = TITLES[which]
    for match in FENCE.finditer(readme):
        text = match.group(1)
        if text.startswith(title + "\n"):
            if RELEASE_URL not in text and which != "debian-upgrade":
                raise LookupError(f"the {title!r} block does not name {RELEASE_URL}")
            return text
    raise LookupError(f"no ```sh block starting with {title!r}")


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4) or argv[2] not in TITLES:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        text = block(Path(argv[1]).read_text(), argv[2])
    except LookupError as error:
        print(f"readme_install: {error}", file=sys.stderr)
        return 1
    if len(argv) == 4:
        text = text.replace(RELEASE_URL, argv[3])
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
