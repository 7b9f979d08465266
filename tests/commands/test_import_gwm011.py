"""A GWM 0.11 database imported with gwm-manage import-gwm011 into a fresh site, then
its users sign in with their old passwords through gwm-server (gunicorn)."""

from __future__ import annotations

import pytest

from ganeti_webmgr.testing import console_client, gwm011
from tests.commands.conftest import gwm_server


@pytest.fixture
def imported_site(initialised_site, tmp_path):
    site = initialised_site
    source = gwm011.build(tmp_path / "gwm011.sqlite")
    key = tmp_path / "secret_key"
    key.write_text(source.secret_key)
    out = site.manage("import-gwm011", "--database", source.url, "--secret-key-file", str(key))
    assert "users: imported 49, already in GWM 1" in out  # gwm-init made the admin
    return site, source


def test_imported_users_sign_in_with_their_old_passwords(imported_site):
    site, source = imported_site
    with gwm_server(site) as port:
        base = f"http://127.0.0.1:{port}"
        # A Django 1.4 PBKDF2 hash, and a sha1$ one (wrapped at the import).
        for username in ("user07", "user10"):
            login = console_client.Login(base, username, source.passwords[username])
            with login.opener.open(f"{base}/", timeout=30) as home:
                assert "<h1>Dashboard</h1>" in home.read().decode()
        with pytest.raises(RuntimeError, match="could not log in"):
            console_client.Login(base, "user07", "not-the-old-password")
    algorithm = site.python(
        "from django.contrib.auth.models import User;"
        "print(User.objects.get(username='user10').password.split('$')[0])"
    )
    assert algorithm.strip() == "pbkdf2_sha256"  # upgraded at the sign-in
