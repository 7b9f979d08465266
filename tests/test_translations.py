"""The translations stay complete (German today), app by app.

Each app's catalog (ganeti_webmgr/<app>/locale/<language>/LC_MESSAGES/django.po) is merged
with a fresh extraction of the app's texts, as docs/translations.rst tells a
developer to make it, in a copy of the app: every text of its templates and its
Python must have a translation, none fuzzy, and the catalog holds nothing
the app no longer says. A second check reads the templates for visible text
outside {% translate %} and {% blocktranslate %}: a text nobody marked would never
reach the catalog.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.template.base import Lexer, TokenType

from ganeti_webmgr.conf.languages import CODES

ROOT = Path(__file__).resolve().parent.parent / "ganeti_webmgr"
# What a developer passes to makemessages too (docs/translations.rst).
IGNORED = ["tests", "migrations", "static"]
# Every language GWM has but the one its texts are written in.
TRANSLATED = sorted(CODES - {"en"})

APPS = sorted(
    Path(config.path).name for config in apps.get_app_configs() if Path(config.path).parent == ROOT
)


def test_every_gwm_app_is_checked():
    assert {"core", "accounts", "virtual_machines", "two_factor"} <= set(APPS)


def _entries(po: Path, *which: str) -> list[str]:
    """The msgids msgattrib selects (--untranslated, --only-fuzzy, --only-obsolete)."""
    out = subprocess.run(
        ["msgattrib", *which, "--no-wrap", str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    ids = re.findall(r'^(?:#~ )?msgid "(.*)"$', out, re.MULTILINE)
    return [msgid for msgid in ids if msgid]  # not the header's


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """{(app, language): its catalog merged with a fresh extraction, or None when the
    app has no texts}."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install gettext (bin/install-system-deps)")
    result = {}
    base = tmp_path_factory.mktemp("catalogs")
    for app in APPS:
        copy = base / app
        shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns(*IGNORED, "*.mo"))
        (copy / "locale").mkdir(exist_ok=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(copy)
            call_command("makemessages", locale=TRANSLATED, ignore_patterns=IGNORED, verbosity=0)
        for language in TRANSLATED:
            po = copy / f"locale/{language}/LC_MESSAGES/django.po"
            result[app, language] = po if po.exists() else None
    return result


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("app", APPS)
def test_the_catalog_is_complete(merged, app, language):
    po = merged[app, language]
    if po is None:
        return  # no text to translate
    committed = ROOT / app / f"locale/{language}/LC_MESSAGES/django.po"
    assert committed.exists(), f"{app} has texts but no {language} catalog"
    assert _entries(po, "--untranslated", "--no-obsolete") == [], "not translated"
    assert _entries(po, "--only-fuzzy", "--no-obsolete") == [], "fuzzy"
    assert _entries(po, "--only-obsolete") == [], "in the catalog, no longer in the app"


# --- unmarked text in templates ------------------------------------------------------

# Text that is the same in every language: names, units, symbols, Ganeti's words.
SAME_IN_EVERY_LANGUAGE = {
    "Ganeti Web Manager",
    "GWM",
    "Ganeti",
    "MiB",
    "GiB",
    "vCPU",
    "vCPUs",
    "RAPI",
    "SSH",
    "SHA256",
    "UUID",
    "IP",
    "MAC",
    "CSV",
    "JSON",
    "OK",
    "TOTP",
    "OIDC",
    "LDAP",
    "noVNC",
    "VNC",
    # Ganeti's own words for a node's state, beside its role.
    "offline",
    "drained",
}
# Attributes a reader sees or a screen reader speaks.
SPOKEN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description"}
# Where a {{ variable }}, a tag or a translated text was: a space, which HTML reads
# as nothing inside a start tag (<tr{% if over %} class="over"{% endif %}>).
HOLE = " "


def _skeleton(source: str) -> str:
    """The template with every variable, tag, comment and translated text replaced by
    HOLE: what is left is what nobody marked for translation."""
    parts = []
    inside = []  # the end tags of the blocks whose content is skipped
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if inside:
                if name == inside[-1]:
                    inside.pop()
                continue
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                inside.append("end" + name)
            parts.append(HOLE)
        elif token.token_type == TokenType.TEXT and not inside:
            parts.append(token.contents)
        elif not inside:
            parts.append(HOLE)
    return "".join(parts)


class _Texts(HTMLParser):
    """The text nodes and spoken attribute values, outside <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.code = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.code += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.code -= 1

    def handle_data(self, data):
        if not self.code:
            self.texts.append(data)


WORD = re.compile(r"[^\W\d_]{2,}")


def unmarked(source: str) -> list[str]:
    parser = _Texts()
    parser.feed(_skeleton(source))
    found = []
    for text in parser.texts:
        words = WORD.findall(text)
        if words and not set(words) <= _SAME_WORDS:
            found.append(" ".join(text.split()))
    return found


_SAME_WORDS = {word for text in SAME_IN_EVERY_LANGUAGE for word in WORD.findall(text)}

TEMPLATES = sorted(
    path.relative_to(ROOT).as_posix()
    for app in APPS
    for path in (ROOT / app / "templates").rglob("*")
    if path.is_file() and path.suffix in (".html", ".txt")
)


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_template_has_no_unmarked_text(template):
    assert unmarked((ROOT / template).read_text()) == []


def test_the_check_finds_unmarked_text():
    source = (
        '{% load i18n %}<p title="Details">{% translate "Saved." %} {{ n }} MiB</p>'
        "{% blocktranslate %}One {{ x }} left{% endblocktranslate %}<b>Left over</b>"
        "<script>const words = 'not text';</script>{# a comment #}"
    )
    assert unmarked(source) == ["Details", "Left over"]
