"""No request gets a 500, whatever its query string or form fields say.

Hypothesis drives every URL of the authorization matrix (so every URL of GWM) as a
superuser and as a plain user: GET with made-up query strings, POST with made-up
fields, and each form the page shows submitted with its fields filled in from the
form's own choices or made up. Bad input must get a clear answer (a form error, a
404, a 400), never a server error. Sockets reach loopback only (loopback_only).
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_authorization_matrix import MATRIX

# Parameters the views read (request.GET/POST) and the filters' fields; each page's
# own form fields are added to these.
KNOWN_NAMES = [
    "action", "after", "before", "cluster", "confirm", "confirm_name", "form", "from",
    "name", "next", "notes", "owner", "page", "popout", "q", "select", "shown", "since",
    "status", "step", "template", "type", "until", "vm", "actor", "trust", "hostname",
    "port", "username", "password", "kind",
]  # fmt: skip
# Values that have broken parsers before: numbers too large for a database column,
# odd digits, dates at the ends of the calendar, NUL, long strings.
EDGE_VALUES = [
    "", "0", "-1", "1", "2", "00", "1e9", "NaN", "inf", "0x1f", "١٢", "²", "9" * 19,
    "9" * 40, "-" + "9" * 30, "9999-12-31", "0001-01-01", "2024-02-30", "2024-13-01",
    "\x00", "a\x00b", " ", "../../etc/passwd", "//evil.example/", "https://evil.example/",
    "<script>", "%", "%%", "'", '"', "\\", "on", "true", "all", "x" * 300, "a,b,,c",
    "127.0.0.1", "[::1]", "2001:db8::1", "-" * 3,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),
    st.integers(-(2**70), 2**70).map(str),
)
ROLES = ["superuser", "plain"]
# Kept small for the default run (under a minute); FUZZ_EXAMPLES=200 explores more.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# The same examples every run unless asked otherwise (FUZZ_RANDOM=1): the suite
# does not fail by chance, and a failure is reproduced by running it again.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"


class _Forms(HTMLParser):
    """The forms of a page: (method, action, {field: [values the form offers]})."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self._select = page_url, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.forms.append(((a.get("method") or "get").lower(), action, {}))
        elif not self.forms:
            return
        elif tag in ("input", "textarea", "select", "button") and a.get("name"):
            values = self.forms[-1][2].setdefault(a["name"], [])
            if a.get("value") is not None:
                values.append(a["value"])
            self._select = values if tag == "select" else None
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self._select.append(a["value"])


def forms_of(html: str, page_url: str):
    parser = _Forms(page_url)
    parser.feed(html)
    return [
        form
        for form in parser.forms
        if urlsplit(form[1]).netloc in ("", "testserver") and form[1] != "csrfmiddlewaretoken"
    ]


def fields(draw, names, offered=None, defaults=None):
    """defaults (what the form would send as it is), with up to three fields set
    to made-up values or to others the form offers: one odd field in an otherwise
    valid form reaches code that a form full of errors never gets to."""
    chosen = dict(defaults or {})
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        if offered and offered.get(name) and draw(st.booleans()):
            chosen[name] = draw(st.sampled_from(offered[name]))
        else:
            chosen[name] = draw(VALUES)
    return chosen


# The forms each page shows, read once per URL and role: what is drawn must not depend
# on what earlier examples changed (a renamed user, a deleted template), or
# hypothesis could not replay an example.
_FORMS: dict[tuple[str, str], list] = {}


def _page_forms(client, people, name, method, url):
    """Read for every role on the first example, before any example changed anything."""
    if (name, ROLES[0]) not in _FORMS:
        for role in ROLES:
            client.force_login(people[role])
            page = client.get(url) if method == "get" else None
            ok = page is not None and page.status_code == 200 and not page.streaming
            _FORMS[name, role] = forms_of(page.content.decode(), url) if ok else []
    return {role: _FORMS[name, role] for role in ROLES}


def url_of(name: str) -> str:
    return reverse(name, kwargs=MATRIX[name][1])


@pytest.mark.parametrize("name", sorted(MATRIX))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_gets_a_server_error(client, people, loopback_only, name, data):
    method, url = MATRIX[name][0], url_of(name)
    forms_by_role = _page_forms(client, people, name, method, url)
    role = data.draw(st.sampled_from(ROLES), label="role")
    client.force_login(people[role])
    forms = forms_by_role[role]
    offered = {field: values for form in forms for field, values in form[2].items()}
    names = sorted({*KNOWN_NAMES, *offered})
    extra = data.draw(st.lists(st.text(min_size=1, max_size=12), max_size=2), label="other names")
    kind = data.draw(st.sampled_from(["query", "post", "form"] if forms else ["query", "post"]))
    headers = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans(), label="htmx") else {}
    if kind == "query":
        target, verb = url, "get"
        values = fields(data.draw, names + extra)
    elif kind == "post":
        target, verb = url, "post"
        values = fields(data.draw, names + extra, offered)
    else:
        verb, target, form_fields = data.draw(st.sampled_from(forms), label="form")
        as_shown = {field: values[0] for field, values in form_fields.items() if values}
        values = fields(data.draw, sorted(form_fields), form_fields, as_shown)
    response = getattr(client, verb)(target, values, **headers)
    assert response.status_code < 500, (verb, target, values, response.status_code)
