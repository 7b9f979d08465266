"""The provider's process: python -m ganeti_webmgr.testing.oidc_provider DIRECTORY

Reads DIRECTORY/spec.json (see OidcProvider.start), prints "listening on <url>" once
it serves, and serves until SIGTERM.
"""

from __future__ import annotations

import json
import signal
import socketserver
import sys
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings


class Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class LoggingHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main(directory: str) -> None:
    spec = json.loads(Path(directory, "spec.json").read_text())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()

    # The port first: the issuer (in every token) names it.
    from django.core.handlers.wsgi import WSGIHandler

    from ganeti_webmgr.testing.oidc_provider import settings as site

    holder: dict = {}
    httpd = make_server(
        "127.0.0.1",
        0,
        lambda environ, start: holder["app"](environ, start),
        server_class=Server,
        handler_class=LoggingHandler,
    )
    base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings.configure(**site.settings(directory, spec["issuer"] or base_url, pem))
    django.setup()
    holder["app"] = WSGIHandler()
    _populate(spec)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening on {base_url}", flush=True)
    httpd.serve_forever()


def _populate(spec: dict) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for entry in spec["users"]:
        user = User.objects.create_user(
            entry["username"],
            entry["email"] or f"{entry['username']}@idp.example",
            entry["password"],
        )
        for name in entry["groups"]:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="GWM",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=spec["redirect_uri"],
        skip_authorization=True,
        algorithm=Application.RS256_ALGORITHM,
    )


if __name__ == "__main__":
    main(sys.argv[1])
