"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit
in a Django site of its own, run as a child process on a loopback port.

    with OidcProvider(users=[IdpUser("dora", "pw", ["ops"])], redirect_uri=...) as idp:
        idp.issuer, idp.client_id, idp.client_secret

The child (python -m ganeti_webmgr.testing.oidc_provider) makes its SQLite database
and RSA key in a temporary directory, registers one confidential client (consent
skipped, RS256 ID tokens), creates the users, and serves until it is stopped.
Its users sign in through an ordinary Django login form; `sign_in()` fills it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests


@dataclass
class IdpUser:
    username: str
    password: str
    groups: list[str] = field(default_factory=list)
    email: str = ""


class OidcProvider:
    def __init__(
        self,
        users: list[IdpUser],
        redirect_uri: str,
        *,
        client_id: str = "gwm",
        client_secret: str = "gwm-client-secret",  # noqa: S107 - a test provider's
        issuer: str | None = None,
    ):
        self.users = users
        self.redirect_uri = redirect_uri
        self.client_id, self.client_secret = client_id, client_secret
        self._issuer_override = issuer
        self.process: subprocess.Popen | None = None
        self.directory: Path | None = None
        self.base_url = ""

    @property
    def issuer(self) -> str:
        """The issuer the provider puts in its discovery document and ID tokens."""
        return self._issuer_override or self.base_url

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def start(self) -> OidcProvider:
        self.directory = Path(tempfile.mkdtemp(prefix="gwm-test-oidc-"))
        spec = {
            "users": [asdict(user) for user in self.users],
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            "issuer": self._issuer_override,
            "directory": str(self.directory),
        }
        (self.directory / "spec.json").write_text(json.dumps(spec))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GWM_", "DJANGO_"))}
        with open(self.directory / "provider.log", "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own module
                [sys.executable, "-m", "ganeti_webmgr.testing.oidc_provider", str(self.directory)],
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                text=True,
            )
        line = self.process.stdout.readline()
        match = re.fullmatch(r"listening on (\S+)\n", line)
        if not match:
            self.process.kill()
            self.process.wait()
            log = (self.directory / "provider.log").read_text(errors="replace")[-2000:]
            self.stop()
            raise RuntimeError(f"the OIDC provider did not start ({line!r}):\n{log}")
        self.base_url = match.group(1)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def sign_in(self, authorize_url: str, username: str, password: str) -> str:
        """Be a browser at the provider: follow the authorization request to its login
        form, fill it in, and return the redirect back to the client (the callback URL
        with code and state), which is not followed."""
        browser = requests.Session()
        browser.trust_env = False  # loopback only, whatever proxy the environment names
        response = browser.get(authorize_url, allow_redirects=True, timeout=10)
        response.raise_for_status()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        if token is None:
            raise AssertionError(f"no login form at {response.url}: {response.text[:300]}")
        response = browser.post(
            response.url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
            },
            headers={"Referer": response.url},
            allow_redirects=False,
            timeout=10,
        )
        # The login form sends the browser back to the authorization endpoint, which
        # (consent skipped) answers with the redirect to the client.
        while response.status_code in (301, 302, 303, 307):
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(self.redirect_uri):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError(
            f"the provider did not send the browser back: HTTP {response.status_code} "
            f"{response.text[:300]}"
        )
