"""Revoking API tokens: one's own (/accounts/profile/tokens/<key>/revoke) and, for those
who manage users, anyone's (/accounts/users/<name>/tokens/<key>/revoke, from the user's
page)."""

from __future__ import annotations

import pytest

from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.api import tokens
from ganeti_webmgr.api.models import Token
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs(bob):
    return tokens.issue(bob, "backup", write=True).token


def own(token):
    return f"/accounts/profile/tokens/{token.key_id}/revoke"


def admins(token, username=None):
    return f"/accounts/users/{username or token.user.username}/tokens/{token.key_id}/revoke"


def revoked(token) -> bool:
    return Token.objects.get(pk=token.pk).revoked_at is not None


# -- one's own ------------------------------------------------------------------------
def test_it_redirects_anonymous_visitors(client, bobs):
    assert client.post(own(bobs)).status_code == 302
    assert client.post(admins(bobs)).status_code == 302
    assert not revoked(bobs)


def test_it_rejects_get(login, bob, bobs):
    client = login(bob)
    assert client.get(own(bobs)).status_code == 405
    assert client.get(admins(bobs)).status_code == 405


def test_a_user_revokes_their_own_token_and_it_is_logged(login, bob, bobs):
    response = login(bob).post(own(bobs))
    assert response.status_code == 302 and response.url == "/accounts/profile/tokens/"
    assert revoked(bobs)
    token = Token.objects.get(pk=bobs.pk)
    assert token.revoked_by == bob
    entry = last_entry("api.token_revoke")
    assert entry.actor == bob and bobs.label in entry.message


def test_revoking_twice_changes_nothing(login, bob, bobs):
    client = login(bob)
    client.post(own(bobs))
    response = client.post(own(bobs), follow=True)
    assert "was revoked already" in response.content.decode()
    assert Entry.objects.filter(action="api.token_revoke").count() == 1


def test_others_tokens_are_404_on_the_own_url(login, charlie, alice, bobs):
    assert login(charlie).post(own(bobs)).status_code == 404
    assert login(alice).post(own(bobs)).status_code == 404  # administrators: the user's page
    assert login(charlie).post("/accounts/profile/tokens/000000000000/revoke").status_code == 404
    assert not revoked(bobs)


def test_a_revoked_token_stops_working(login, api, bob):
    client = api(bob)
    assert client.get("/api/v1/vms/").status_code == 200
    login(bob).post(own(client.token))
    assert client.get("/api/v1/vms/").status_code == 401


# -- administrators, from the user's page ---------------------------------------------
def test_the_user_page_lists_tokens_with_revoke_buttons_for_administrators(login, alice, bobs):
    content = login(alice).get("/accounts/users/bob/").content.decode()
    assert "API tokens" in content and f"gwm_{bobs.key_id}" in content
    assert f'action="{admins(bobs)}"' in content


def test_users_see_their_own_tokens_on_their_page(login, bob, bobs):
    content = login(bob).get("/accounts/users/bob/").content.decode()
    assert f"gwm_{bobs.key_id}" in content and f'action="{own(bobs)}"' in content
    assert 'href="/accounts/profile/tokens/"' in content


def test_an_administrator_revokes_anyones_token(login, alice, bobs):
    response = login(alice).post(admins(bobs))
    assert response.status_code == 302 and response.url == "/accounts/users/bob/"
    assert revoked(bobs) and Token.objects.get(pk=bobs.pk).revoked_by == alice
    entry = last_entry("api.token_revoke")
    assert entry.actor == alice and "of bob revoked" in entry.message
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_plain_users_may_not_revoke_others_tokens(login, charlie, bobs):
    client = login(charlie)
    assert client.post(admins(bobs)).status_code == 403
    # the same answer whether the user exists or not
    assert client.post(admins(bobs, "nobody")).status_code == 403
    assert not revoked(bobs)


def test_a_token_under_another_users_name_is_404(login, alice, charlie, bobs):
    assert login(alice).post(admins(bobs, "charlie")).status_code == 404
    assert login(alice).post(admins(bobs, "nobody")).status_code == 404
    assert not revoked(bobs)


def test_a_user_may_revoke_their_own_through_their_page(login, bob, bobs):
    assert login(bob).post(admins(bobs)).status_code == 302
    assert revoked(bobs)
