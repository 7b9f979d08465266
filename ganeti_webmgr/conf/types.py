"""Value types of configuration keys.

Each type turns the text written in a file or an environment variable into a
Python value, or raises ValueError with the tail of a message such as
"is not an integer"; the loader adds where the value came from.
"""

from __future__ import annotations

import re
import zoneinfo


class ItemError(ValueError):
    """A bad item of a list: the message names the item, not the whole value."""


class ValueType:
    name = "string"

    def parse(self, text: str) -> object:
        return text

    def format(self, value: object) -> str:
        """The text that parses back to value (for the shipped file and --check)."""
        return "" if value is None else str(value)


class String(ValueType):
    pass


class Integer(ValueType):
    def __init__(self, minimum: int | None = None, maximum: int | None = None, optional=False):
        self.minimum, self.maximum, self.optional = minimum, maximum, optional
        self.name = "integer"

    def parse(self, text: str) -> int | None:
        if text == "" and self.optional:
            return None
        try:
            value = int(text, 10)
        except ValueError:
            raise ValueError("is not an integer") from None
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be at most {self.maximum}")
        return value


class Boolean(ValueType):
    name = "boolean"
    TRUE = ("true", "yes", "on", "1")
    FALSE = ("false", "no", "off", "0")

    def parse(self, text: str) -> bool:
        lowered = text.lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise ValueError("is not a boolean (use true or false)")

    def format(self, value: object) -> str:
        return "true" if value else "false"


class Choice(ValueType):
    def __init__(self, *choices: str):
        self.choices = choices
        self.name = "one of " + ", ".join(choices)

    def parse(self, text: str) -> str:
        if text not in self.choices:
            raise ValueError(f"is not one of {', '.join(self.choices)}")
        return text


class List(ValueType):
    """Comma-separated; blanks around items are ignored."""

    name = "list"

    def __init__(self, item: ValueType | None = None):
        self.item = item or String()

    def parse(self, text: str) -> list:
        items = [part.strip() for part in text.split(",")]
        if items == [""]:
            return []
        if "" in items:
            raise ValueError("has an empty item (two commas in a row?)")
        parsed = []
        for item in items:
            try:
                parsed.append(self.item.parse(item))
            except ValueError as error:
                raise ItemError(f"item {item!r} {error}") from None
        return parsed

    def format(self, value: object) -> str:
        return ", ".join(self.item.format(v) for v in value)


class Path(ValueType):
    """An absolute filesystem path (relative ones depend on the daemon's cwd)."""

    name = "absolute path"

    def __init__(self, optional=False):
        self.optional = optional

    def parse(self, text: str) -> str:
        if text == "" and self.optional:
            return ""
        if not text.startswith("/"):
            raise ValueError("is not an absolute path")
        return text


class UrlPrefix(ValueType):
    """Where GWM is mounted below the site root: '' or '/gwm' (no trailing slash)."""

    name = "URL path"

    def parse(self, text: str) -> str:
        if text in ("", "/"):
            return ""
        if not text.startswith("/") or text.endswith("/") or not re.fullmatch(r"[\w/.~-]+", text):
            raise ValueError("is not a URL path like /gwm (leading slash, no trailing slash)")
        return text


class Origin(ValueType):
    name = "origin"

    def parse(self, text: str) -> str:
        if not re.fullmatch(r"https?://[^/\s]+", text):
            raise ValueError("is not an origin like https://gwm.example.org")
        return text


class Url(ValueType):
    """An http(s) URL; optional ones may be empty."""

    name = "URL"

    def __init__(self, optional=False):
        self.optional = optional

    def parse(self, text: str) -> str:
        if text == "" and self.optional:
            return ""
        if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s#]*)?", text):
            raise ValueError("is not a URL like https://sso.example.org/realms/main")
        return text


class Bind(ValueType):
    """host:port, [v6]:port or unix:/path, as gunicorn takes them."""

    name = "address"

    def parse(self, text: str) -> str:
        if text.startswith("unix:/"):
            return text
        match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d+)", text)
        if not match or not 0 < int(match.group(2)) < 65536:
            raise ValueError("is not an address like 127.0.0.1:8000, [::1]:8000 or unix:/path")
        return text


class TimeZone(ValueType):
    name = "time zone"

    def parse(self, text: str) -> str:
        if text not in zoneinfo.available_timezones():
            raise ValueError("is not a known time zone (e.g. UTC, Europe/Berlin)")
        return text


class Email(ValueType):
    name = "e-mail address"

    def parse(self, text: str) -> str:
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", text):
            raise ValueError("is not an e-mail address")
        return text


class LanguageCode(ValueType):
    name = "language code"

    def parse(self, text: str) -> str:
        from ganeti_webmgr.conf.languages import CODES

        code = text.lower()
        # en-us (Django's own default) falls back to en: a variant of a language GWM has.
        if code.split("-")[0] not in CODES:
            raise ValueError(
                f"is not a language GWM is translated into ({', '.join(sorted(CODES))})"
            )
        return code


class LogLevel(Choice):
    def __init__(self):
        super().__init__("debug", "info", "warning", "error")

    def parse(self, text: str) -> str:
        return super().parse(text.lower())
