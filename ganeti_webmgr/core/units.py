"""Sizes as people type them and Ganeti counts them (MiB)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*", re.IGNORECASE)
_FACTOR = {"k": 1 / 1024, "": 1, "m": 1, "g": 1024, "t": 1024**2, "p": 1024**3}


def parse_size(text: str) -> int:
    """'10G', '512 MiB', '1.5T', '2048' (MiB, as in Ganeti) -> MiB; ValueError if not a size."""
    match = _SIZE.fullmatch(text or "")
    if not match:
        message = _("%(text)r is not a size: write e.g. 10G, 512M or 1.5T.")
        raise ValueError(message % {"text": text})
    mib = float(match.group(1)) * _FACTOR[match.group(2).lower()]
    if mib < 1 or mib != int(mib):
        raise ValueError(_("%(text)r is not a whole number of MiB.") % {"text": text})
    return int(mib)


def format_mib(mib: int) -> str:
    """1024 -> '1 GiB', 1536 -> '1.5 GiB', 100 -> '100 MiB'."""
    for unit, factor in (("TiB", 1024**2), ("GiB", 1024)):
        if mib >= factor:
            value = mib / factor
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{mib} MiB"
