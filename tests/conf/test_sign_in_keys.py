"""[oidc] and [two_factor]: what the loader refuses, and the client secret's handling."""

from __future__ import annotations

import re

import pytest

from ganeti_webmgr.conf import ConfigError, load
from ganeti_webmgr.conf.report import effective


def _problems(directory) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(directory, environ={})
    return caught.value.problems


def _write(directory, text):
    path = directory / "settings.conf"
    path.write_text(text)
    return path


def test_enabling_single_sign_on_needs_the_provider_and_the_client(tmp_path):
    path = _write(tmp_path, "[oidc]\nenabled = true\n")
    assert _problems(tmp_path) == [
        f"{path}:2: [oidc] enabled: needs [oidc] issuer",
        f"{path}:2: [oidc] enabled: needs [oidc] client_id",
        f"{path}:2: [oidc] enabled: needs client_secret or client_secret_file",
    ]


def test_it_refuses_an_issuer_that_is_not_a_url(tmp_path):
    path = _write(tmp_path, "[oidc]\nissuer = sso.example.org\n")
    assert _problems(tmp_path) == [
        f"{path}:2: [oidc] issuer: 'sso.example.org' is not a URL like "
        "https://sso.example.org/realms/main"
    ]


def test_it_never_shows_the_client_secret(tmp_path):
    _write(tmp_path, "[oidc]\nclient_secret = s3cr3t-value\nclient_secret_file = /etc/x\n")
    text = "\n".join(_problems(tmp_path))
    assert "set either client_secret" in text
    assert "s3cr3t" not in text
    _write(tmp_path, "[oidc]\nclient_secret = s3cr3t-value\n")
    report = effective(load(tmp_path, environ={}))
    assert re.search(r"^client_secret +  = \*{8}    \(.*settings.conf:2\)$", report, re.M)
    assert "s3cr3t" not in report


def test_it_reads_the_client_secret_from_its_file(tmp_path):
    secret = tmp_path / "oidc-secret"
    secret.write_text("from-the-file\n")
    _write(
        tmp_path,
        "[oidc]\nenabled = true\nissuer = https://sso.example.org/realms/main\n"
        f"client_id = gwm\nclient_secret_file = {secret}\n",
    )
    assert load(tmp_path, environ={}).oidc_client_secret() == "from-the-file"
    secret.unlink()
    with pytest.raises(ConfigError, match="cannot read the OIDC client secret"):
        load(tmp_path, environ={}).oidc_client_secret()


def test_two_factor_groups_are_a_list(tmp_path):
    _write(tmp_path, "[two_factor]\nrequired_groups = ops, auditors\n")
    assert load(tmp_path, environ={}).get("two_factor", "required_groups") == ["ops", "auditors"]
