"""Log lines of bounded size, whatever values they carry (a VM name of 100,000
characters once made every worker log line 100 KB), and without the key feed's
tokens (they travel in its URLs' paths)."""

from __future__ import annotations

import logging
import re

MESSAGE_LIMIT = 2000  # characters of a log message
TRACEBACK_LIMIT = 8000  # characters of a formatted exception


# /clusters/<slug>/keys/<token>[/<vm>]: ganeti_webmgr/vmkeys/urls.py.
_FEED_TOKEN = re.compile(r"(/clusters/[^/\s]+/keys/)[^/\s?\"]+")


def mask_tokens(text: str) -> str:
    """text with the token of every key feed path in it replaced by "***"."""
    return _FEED_TOKEN.sub(r"\1***", text)


def shorten(text: str, limit: int) -> str:
    """text, or its first characters and how many more were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters cut]"


class TruncatingFilter(logging.Filter):
    """Cut a record's message (and traceback) to a bounded size and mask key feed
    tokens (Django logs each 404's path); set on handlers, so it applies to records
    of every logger that reaches them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "gwm_bounded", False):  # one record passes several handlers
            return True
        record.gwm_bounded = True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it
            return True
        if (masked := mask_tokens(message)) != message:
            record.msg, record.args, message = masked, None, masked
        if len(message) > MESSAGE_LIMIT:
            record.msg, record.args = shorten(message, MESSAGE_LIMIT), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and len(record.exc_text) > TRACEBACK_LIMIT:
            record.exc_text = shorten(record.exc_text, TRACEBACK_LIMIT)
        return True
