"""What .ci/test-fresh asks of the `make run` site (standard library only).

    fresh_site.py login URL SECONDS PID          wait until the login page answers 200
    fresh_site.py vms BASE PASSWORD_FILE CLUSTER SECONDS PID
                                                 log in as admin, wait until /vms/ lists
                                                 VMs of CLUSTER

Both give up early when PID (the `make run`) has died, print one line, and exit 1
on failure.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# How long `make run` may take to create the cluster before the VMs are waited for.
NO_CLUSTER_SECONDS = 30


def fail(message: str) -> None:
    print(f"fresh_site: {message}", file=sys.stderr)
    sys.exit(1)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose: the shell has not reaped it yet.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def poll(seconds: float, pid: int, what: str, attempt) -> float:
    """Call attempt() until it is true; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if attempt():
            return time.monotonic() - start
        if not alive(pid):
            fail(f"`make run` exited before {what}")
        time.sleep(0.5)
    fail(f"no {what} within {seconds:.0f} s")
    return 0.0


class Browser:
    """A cookie jar that does not follow redirects (a login answers 302)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect
        )

    def request(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:
            return 0, ""

    def log_in(self, user: str, password: str) -> None:
        status, _ = self.request("/accounts/login/")
        token = next((c.value for c in self.jar if c.name == "csrftoken"), None)
        if status != 200 or not token:
            fail(f"login page: HTTP {status}, CSRF cookie {'set' if token else 'missing'}")
        form = {"csrfmiddlewaretoken": token, "username": user, "password": password, "next": "/"}
        status, _ = self.request("/accounts/login/", form)
        if status != 302:
            fail(f"log in as {user}: HTTP {status} (wrong password?)")


def login(url: str, seconds: str, pid: str) -> None:
    base, path = url.split("/accounts/", 1)
    browser = Browser(base)
    took = poll(
        float(seconds),
        int(pid),
        f"HTTP 200 from {url}",
        lambda: browser.request("/accounts/" + path)[0] == 200,
    )
    print(f"{took:.1f}")


def vms(base: str, password_file: str, cluster: str, seconds: str, pid: str) -> None:
    with open(password_file) as f:
        password = f.read().strip()
    browser = Browser(base)
    browser.log_in("admin", password)
    # A row links to the VM's page under its cluster.
    row = re.compile(rf'href="/clusters/{re.escape(cluster)}/vms/([^/"]+)/"')
    names: set[str] = set()
    start = time.monotonic()

    def missing(path: str) -> bool:
        return browser.request(path)[0] == 404

    def listed() -> bool:
        status, page = browser.request("/vms/")
        if status != 200:
            fail(f"/vms/ as admin: HTTP {status}")
        names.update(row.findall(page))
        # No need to wait for a sync of a cluster that is not there at all.
        waited = time.monotonic() - start
        if not names and waited > NO_CLUSTER_SECONDS and missing(f"/clusters/{cluster}/"):
            fail(f"no cluster {cluster!r}: /clusters/{cluster}/ is 404 after {waited:.0f} s")
        return bool(names)

    took = poll(float(seconds), int(pid), f"VM of cluster {cluster!r} on /vms/", listed)
    print(f"{took:.1f} {len(names)}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "login":
        login(*sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "vms":
        vms(*sys.argv[2:])
    else:
        sys.exit(__doc__.split("\n\n")[1])
