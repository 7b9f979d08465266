"""HTTP checks of an installed GWM for packaging/test-packages (standard library only).

    http_check.py wait URL SECONDS         poll until URL answers 200; print the seconds
    http_check.py site BASE USER PASSWORD  login page, hashed CSS, /health, a real login

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

    def get(path: str) -> tuple[int, str, dict]:
        try:
            with opener.open(base + path, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    status, page, _ = get("/accounts/login/")
    if status != 200 or "Log in" not in page:
        fail(f"login page: HTTP {status}")
    print("login page: 200")

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
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302:
        fail(f"log in as {user}: HTTP {status} (wrong password?)")
    # The home page as that user: the name in the header and the logout form,
    # which only an authenticated page has.
    status, page, _ = get("/")
    named = re.search(rf">\s*{re.escape(user)}\s*<", page)
    if status != 200 or not named or 'action="/accounts/logout/"' not in page:
        fail(f"after logging in, / is HTTP {status} without {user!r} and a logout form")
    print(f"logged in as {user}: 200")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "wait":
        wait(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "site":
        site(*sys.argv[2:])
    else:
        sys.exit(__doc__.split("\n\n")[1])
