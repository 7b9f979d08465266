"""Every page carries GWM's security headers, and none has what its
Content-Security-Policy would block (inline script, event-handler or style
attributes): each URL of the authorization matrix is fetched as it does, for a
superuser, a plain user and an anonymous visitor, as a page and as an htmx fragment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from ganeti_webmgr.core.headers import PERMISSIONS_POLICY, POLICY
from ganeti_webmgr.testing.html_policy import inline_code
from tests.test_authorization_matrix import MATRIX

ROOT = Path(__file__).resolve().parents[1]
ROLES = ["anonymous", "plain", "superuser"]


def pages():
    for name, (method, kwargs, _, other, _) in sorted(MATRIX.items()):
        for kw in (kwargs, other) if other is not None else (kwargs,):
            yield pytest.param(name, method, kw, id=f"{name}-{'-'.join(map(str, kw.values()))}")


def csp(response) -> dict[str, str]:
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        policy[name] = value
    return policy


@pytest.mark.parametrize(("name", "method", "kwargs"), list(pages()))
def test_every_page_has_the_headers_and_no_inline_code(client, people, name, method, kwargs):
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = getattr(client, method)(url, **headers)
            where = f"{method.upper()} {url} as {role} {headers or ''} ({response.status_code})"
            assert response.status_code < 500, where
            policy = csp(response)
            assert policy["script-src"] == "'self'", where
            assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
            assert "'unsafe-inline'" not in policy["style-src"], where
            assert response["Permissions-Policy"] == PERMISSIONS_POLICY, where
            assert response["X-Content-Type-Options"] == "nosniff", where
            if response.get("Content-Type", "").startswith("text/html"):
                assert inline_code(response.content.decode()) == [], where


def test_the_policy_allows_the_console_websocket_on_the_same_host(client, people):
    client.force_login(people["superuser"])
    response = client.get(reverse("vm-console", kwargs={"slug": "a", "name": "a1"}))
    sources = csp(response)["connect-src"].split()
    # 'self' covers ws:/wss: of the same host in CSP Level 3; the name, for older browsers
    assert sources == ["'self'", "ws://testserver"]
    secure = client.get(reverse("vm-console", kwargs={"slug": "a", "name": "a1"}), secure=True)
    assert csp(secure)["connect-src"].split() == ["'self'", "wss://testserver"]


def test_only_the_serial_console_may_add_style_elements(client, people):
    client.force_login(people["superuser"])
    serial = client.get(reverse("vm-console-serial", kwargs={"slug": "a", "name": "a1"}))
    assert csp(serial)["style-src-elem"] == "'self' 'unsafe-inline'"
    assert csp(serial)["script-src"] == "'self'"
    assert csp(serial)["style-src"] == POLICY["style-src"]  # no style attributes even there
    vnc = client.get(reverse("vm-console", kwargs={"slug": "a", "name": "a1"}))
    assert "style-src-elem" not in csp(vnc)


def test_htmx_is_told_not_to_add_its_style_element(client, people):
    client.force_login(people["plain"])
    body = client.get("/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, '
        '"allowEval": false}\'>' in body
    )
    css = (ROOT / "ganeti_webmgr/core/static/gwm/gwm.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


def test_no_template_has_inline_code():
    problems = []
    for template in sorted(ROOT.glob("ganeti_webmgr/*/templates/**/*.html")):
        problems += [f"{template.relative_to(ROOT)} {p}" for p in inline_code(template.read_text())]
    assert problems == []


def test_the_error_page_has_no_inline_code(db):
    request = RequestFactory().get("/")
    assert inline_code(render_to_string("500.html", request=request)) == []


def test_the_checker_finds_what_the_policy_blocks():
    assert inline_code('<script src="/static/a.js"></script><p class="x">') == []
    found = inline_code(
        "<script>alert(1)</script>"
        '<button onclick="go()">'
        '<span style="width: 5%">'
        "<style>p {}</style>"
        '<a href=" JavaScript:go()">'
        '<div hx-on:click="go()">'
    )
    assert len(found) == 6, found
