"""The languages GWM's interface is translated into, each named in itself.

settings.LANGUAGES, the configuration's [web] language and the profile's choice all
take this list. Adding one: docs/translations.rst.
"""

from __future__ import annotations

LANGUAGES = (
    ("en", "English"),
    ("de", "Deutsch"),
)
CODES = frozenset(code for code, _name in LANGUAGES)
