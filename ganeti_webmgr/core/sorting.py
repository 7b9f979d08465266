"""Natural order for names: inst2 before inst10, as an operator reads them."""

from __future__ import annotations

import re

from django.db import models

_DIGITS = re.compile(r"(\d+)")
# Digit runs padded to this width: every 64-bit number; a longer run keeps its length.
KEY_DIGITS = 20
KEY_LENGTH = 255


def natural_key(name: str) -> tuple:
    """A sort key splitting digit runs out as numbers: "inst10" -> ("inst", 10, "")."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part.casefold())
        for part in _DIGITS.split(name)
    )


def name_key(name: str) -> str:
    """natural_key as a string the database can index and sort: the name casefolded,
    its digit runs zero-padded ("inst10" -> "inst00000000000000000010")."""
    return _DIGITS.sub(lambda m: m[1].zfill(KEY_DIGITS), name.casefold())[:KEY_LENGTH]


# Byte order on every engine: a locale's collation (PostgreSQL's en_US, MariaDB's
# general_ci) would skip or weigh punctuation differently and reorder the keys.
_BINARY_COLLATION = {"postgresql": "C", "mysql": "utf8mb4_bin"}


class NameKeyField(models.CharField):
    """The column holding name_key(name), compared byte by byte on every engine."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        parameters["collation"] = _BINARY_COLLATION.get(connection.vendor)
        return parameters
