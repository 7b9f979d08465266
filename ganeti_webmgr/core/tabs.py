"""Tabs of an object's page (VM, node) that are one page with ?tab=<key>.

Each tab is a link, so it has an address to share and the back button works; the
server renders only the selected one. core/_tabs.html shows them with WAI-ARIA's
roles, gwm/tabs.js adds the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str
    current: bool


def query_tabs(path: str, shown: list[tuple[str, str]], current: str) -> list[Tab]:
    """The tabs shown (key, label), in order, as links on path; the first is the
    page's address itself."""
    first = shown[0][0] if shown else ""
    return [
        Tab(key, label, path if key == first else f"{path}?tab={key}", key == current)
        for key, label in shown
    ]


def selected(requested: str | None, known: list[tuple[str, str]], shown: list[str]) -> str:
    """The tab ?tab= asks for: the first by default; Http404 for one that is not a tab
    of the page, or one this user is not shown (its existence is theirs to know, but
    an unlisted tab is no page of theirs)."""
    keys = [key for key, _ in known]
    if not requested:
        return shown[0]
    if requested not in keys:
        raise Http404(f"no tab {requested[:40]!r}: the tabs are {', '.join(keys)}")
    if requested not in shown:
        raise Http404(f"the {requested} tab is not shown to you")
    return requested
