"""What the Content-Security-Policy forbids in a page, found in its HTML: inline
scripts, event-handler attributes, javascript: links, style elements and attributes,
and htmx's hx-on (which htmx evaluates as code)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        position = f"line {self.getpos()[0]}"
        if tag == "script" and not names.get("src"):
            self.problems.append(f"{position}: <script> without src")
        if tag == "style":
            self.problems.append(f"{position}: <style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{position}: <{tag} {name}=...>")
            elif name == "style":
                self.problems.append(f"{position}: <{tag} style=...>")
            elif name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"{position}: <{tag} {name}=...> (htmx evaluates it)")
            elif name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"{position}: <{tag} {name}=javascript:...>")


def inline_code(html: str) -> list[str]:
    """Where html has something a strict CSP (script-src/style-src 'self') blocks."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems
