"""HTTP checks of an installed GWM for packaging/test-packages (standard library only).

    http_check.py wait URL SECONDS         poll until URL answers 200; print the seconds
    http_check.py site BASE USER PASSWORD  login page (also in German), hashed CSS, /health,
                                           a real login
    http_check.py refused BASE USER PASSWORD  that login is refused (the form again)

Prints one line per finding and exits 1 on the first failure, so the shell
script can count it as one PASS or FAIL.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def fail(message: str) -> None:
    print(f"http_check: {message}", file=sys.stderr)
    sys.exit(1)


def wait(url: str, seconds: float) -> None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    print(f"{time.monotonic() - start:.1f}")
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    fail(f"{url} did not answer 200 within {seconds} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # look at the 302 itself


def site(base: str, user: str, password: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def get(path: str, headers: dict | None = None) -> tuple[int, str, dict]:
        request = urllib.request.Request(base + path, headers=headers or {})  # noqa: S310
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    status, page, _ = get("/accounts/login/")
    if status != 200 or "Log in" not in page:
        fail(f"login page: HTTP {status}")
    print("login page: 200")

    # The package's compiled catalogs: a German browser gets the German page.
    status, page, _ = get("/accounts/login/", {"Accept-Language": "de"})
    if status != 200 or '<html lang="de">' not in page or "<h1>Anmelden</h1>" not in page:
        fail(f"login page in German: HTTP {status}, no German text (translations not compiled?)")
    print("login page in German: 200")

    css = re.search(r'href="(/static/gwm/gwm\.[0-9a-f]+\.css)"', page)
    if not css:
        fail("login page links no hashed /static/gwm/gwm.<hash>.css")
    status, body, headers = get(css.group(1))
    if status != 200 or not body:
        fail(f"{css.group(1)}: HTTP {status}")
    print(f"{css.group(1)}: 200, Cache-Control: {headers.get('Cache-Control')}")

    status, body, _ = get("/health")
    if (status, body.strip()) != (200, "ok"):
        fail(f"/health: HTTP {status} {body.strip()!r}")
    print("/health: 200 ok")

    status = log_in(opener, jar, base, user, password)
    if status != 302:
        fail(f"log in as {user}: HTTP {status} (wrong password?)")
    # The home page as that user: the name in the header and the logout form,
    # which only an authenticated page has.
    status, page, _ = get("/")
    named = re.search(rf">\s*{re.escape(user)}\s*<", page)
    if status != 200 or not named or 'action="/accounts/logout/"' not in page:
        fail(f"after logging in, / is HTTP {status} without {user!r} and a logout form")
    print(f"logged in as {user}: 200")

    # The REST API: its schema, and Swagger UI with its files from the package.
    status, body, _ = get("/api/schema/")
    if status != 200 or "openapi: 3" not in body or "/api/v1/vms/" not in body:
        fail(f"/api/schema/: HTTP {status}, no OpenAPI 3 schema")
    status, page, _ = get("/api/docs/")
    ui = re.search(r'src="(/static/drf_spectacular_sidecar/swagger-ui-dist/[^"]+\.js)"', page)
    if status != 200 or not ui:
        fail(f"/api/docs/: HTTP {status}, no Swagger UI script from the package's static files")
    status, body, _ = get(ui.group(1))
    if status != 200 or not body:
        fail(f"{ui.group(1)}: HTTP {status}")
    status, body, _ = get("/api/v1/vms/")
    if status != 200 or '"results"' not in body:
        fail(f"/api/v1/vms/ with the session: HTTP {status}")
    print("API schema, Swagger UI and /api/v1/vms/: 200")


def log_in(opener, jar, base: str, user: str, password: str) -> int:
    """POST the login form (after a GET of it gave the CSRF cookie); the HTTP status."""
    token = next((c.value for c in jar if c.name == "csrftoken"), None)
    if not token:
        fail("no CSRF cookie from the login page")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": user, "password": password, "next": "/"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"}
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def refused(base: str, user: str, password: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(base + "/accounts/login/", timeout=10) as response:
        response.read()
    status = log_in(opener, jar, base, user, password)
    if status != 200:
        fail(f"log in as {user}: HTTP {status}, not the login form again")
    print(f"log in as {user}: refused (the login form again)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "wait":
        wait(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "site":
        site(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "refused":
        refused(*sys.argv[2:])
    else:
        sys.exit(__doc__.split("\n\n")[1])
