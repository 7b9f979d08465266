"""QR codes drawn on the server, as inline SVG (no script, nothing fetched)."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def svg(text: str) -> SafeString:
    code = segno.make(text, error="m")
    # segno writes the SVG itself from the code's modules: nothing of `text` is markup.
    return mark_safe(code.svg_inline(scale=5, border=2, omitsize=True, title="QR code of the key"))  # noqa: S308
