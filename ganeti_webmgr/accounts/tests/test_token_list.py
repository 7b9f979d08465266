"""/accounts/profile/tokens/: one's own API tokens, and making one (its secret shown once)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.api import tokens
from ganeti_webmgr.api.models import Token
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/tokens/"


def make(client, **data):
    return client.post(URL, {"name": "backup", "expires_at": _in(days=10), **data})


def _in(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"name": "x"}).status_code == 302
    assert not Token.objects.exists()


def test_it_rejects_other_methods(login, bob):
    assert login(bob).put(URL).status_code == 405


def test_it_lists_ones_own_tokens_only(login, bob, charlie):
    mine = tokens.issue(bob, "backup", write=True, allowed_ips=["192.0.2.0/24"]).token
    Token.objects.filter(pk=mine.pk).update(last_used_at=timezone.now(), last_used_ip="2001:db8::7")
    tokens.issue(charlie, "charlies-own")
    content = login(bob).get(URL).content.decode()
    assert "backup" in content and f"gwm_{mine.key_id}" in content
    assert "read and write" in content and "192.0.2.0/24" in content
    assert "from 2001:db8::7" in content
    assert "charlies-own" not in content
    assert f'action="/accounts/profile/tokens/{mine.key_id}/revoke"' in content


def test_it_shows_expired_and_revoked_tokens_without_a_revoke_button(login, bob, alice):
    old = tokens.issue(bob, "old").token
    tokens.revoke(old, by=alice)
    stale = tokens.issue(bob, "stale").token
    Token.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(days=1))
    content = login(bob).get(URL).content.decode()
    assert "revoked" in content and "expired" in content
    assert f"/accounts/profile/tokens/{old.key_id}/revoke" not in content
    assert f"/accounts/profile/tokens/{stale.key_id}/revoke" in content


def test_the_profile_links_to_it(login, bob):
    assert f'href="{URL}"' in login(bob).get("/accounts/profile/").content.decode()


def test_the_form_defaults_to_the_longest_expiry(login, bob, configure):
    configure("api", "max_token_days", 30)
    content = login(bob).get(URL).content.decode()
    assert f'value="{_in(30)}"' in content and f'max="{_in(30)}"' in content


def test_making_a_token_shows_its_secret_once(login, bob, caplog):
    caplog.set_level(logging.DEBUG)
    client = login(bob)
    response = make(client, write="on", allowed_ips="192.0.2.0/24\n2001:db8::/32")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    token = tokens.find(secret)
    assert token.user == bob and token.write and token.name == "backup"
    assert token.allowed_ips == ["192.0.2.0/24", "2001:db8::/32"]
    assert timezone.localtime(token.expires_at).date().isoformat() == _in(10)
    assert f'value="{secret}"' in response.content.decode()
    # Never again: not on the list, not in the session or a message, not in the log.
    later = client.get(URL).content.decode()
    assert secret not in later and f"gwm_{token.key_id}" in later
    random_part = secret.rsplit("_", 1)[1]
    for session in Session.objects.all():
        assert random_part not in str(session.get_decoded())
    assert random_part not in "".join(str(v) for v in client.cookies.values())
    for row in Entry.objects.values_list():
        assert random_part not in str(row)
    assert random_part not in caplog.text
    entry = last_entry("api.token_create")
    assert entry.actor == bob and f"gwm_{token.key_id}" in entry.message


def test_a_read_only_token_is_the_default(login, bob):
    response = make(login(bob))
    assert tokens.find(response.context["secret"]).write is False


@pytest.mark.parametrize(
    "data, field, error",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"expires_at": _in(0)}, "expires_at", "Choose a day after today."),
        ({"expires_at": _in(400)}, "expires_at", "at most 365 days"),
        ({"allowed_ips": "192.0.2.0/24 example.org"}, "allowed_ips", "“example.org” is not"),
    ],
)
def test_it_puts_errors_on_their_field(login, bob, data, field, error):
    response = make(login(bob), **data)
    assert response.status_code == 200 and "secret" not in response.context
    assert error in " ".join(response.context["form"].errors[field])
    assert not Token.objects.exists()


def test_a_name_is_taken_once(login, bob):
    tokens.issue(bob, "backup")
    response = make(login(bob))
    assert "You already have a token with this name." in response.context["form"].errors["name"]
    assert Token.objects.count() == 1


def test_a_tokens_error_lands_on_its_field(login, bob, monkeypatch):
    def refuse(*args, **kwargs):
        raise tokens.TokenError("name", "bob already has a token named 'backup'")

    monkeypatch.setattr(tokens, "issue", refuse)
    response = make(login(bob))
    assert response.context["form"].errors["name"] == ["bob already has a token named 'backup'"]


def test_no_expiry_when_max_token_days_is_0(login, bob, configure):
    configure("api", "max_token_days", 0)
    response = make(login(bob), expires_at="")
    assert tokens.find(response.context["secret"]).expires_at is None


def test_it_is_german_for_german_users(login, bob, german):
    content = login(bob).get(URL, **german).content.decode()
    assert "Ihre API-Tokens" in content and "Token erstellen" in content


def test_the_new_token_page_is_german_too(login, bob, german):
    response = login(bob).post(URL, {"name": "backup", "expires_at": _in(3)}, **german)
    content = response.content.decode()
    assert "Ihr neues API-Token" in content and "Es darf nur lesen." in content
