"""Natural order for names: inst2 before inst10, as an operator reads them."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """A sort key splitting digit runs out as numbers: "inst10" -> ("inst", 10, "")."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part.casefold())
        for part in _DIGITS.split(name)
    )
