"""Links for the rows of a list: reverse() once per list, not once per row.

reverse() walks the URL resolver's patterns, converts, matches and quotes on every
call (tens of microseconds); a page of 250 rows asks for its links hundreds of
times. row_link(name, *fixed) reverses name once with a marker in the place of its
last argument; each row's link is then that path with the marker replaced by the
row's value, quoted as reverse() quotes it (character by character, so the result
is the same string).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

_MARKER = "gwmRowLinkValue7f3a"  # left as it is by quote(); never a value's part
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


def row_link(name: str, *fixed) -> Callable[[str], str]:
    """A function of a value giving reverse(name, args=[*fixed, value]), for a last
    argument taken by a <str:...> segment."""
    head, found, tail = reverse(name, args=[*fixed, _MARKER]).rpartition(_MARKER)
    assert found, name

    def link(value: str) -> str:
        if not value or "/" in value:  # no segment matches it: reverse() says so
            return reverse(name, args=[*fixed, value])
        return f"{head}{quote(value, safe=_SAFE)}{tail}"

    return link
