"""Reading ids and return addresses out of request parameters, whatever was typed there."""

from __future__ import annotations

import re

from django.utils.http import url_has_allowed_host_and_scheme

# Digits only (str.isdigit() also takes "²", which int() refuses), and short enough
# for every database's 64-bit integer column.
_PRIMARY_KEY = re.compile(r"[0-9]{1,18}")


def primary_key(text: str | None) -> int | None:
    """text as a row id, or None when it cannot be one."""
    if text is None or not _PRIMARY_KEY.fullmatch(text):
        return None
    return int(text)


def local_path(text: str | None, request, default: str) -> str:
    """A return address that is a path on this site; default for anything else
    (another host, a scheme, or words like "-1" that are no path at all)."""
    if (
        text
        and text.startswith("/")
        and not text.startswith("//")
        and url_has_allowed_host_and_scheme(text, allowed_hosts={request.get_host()})
    ):
        return text
    return default
