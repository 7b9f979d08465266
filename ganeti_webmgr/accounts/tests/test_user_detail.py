"""/accounts/users/<username>/: superusers, and the user themself."""

import pytest

from ganeti_webmgr.accounts.models import SshKey

pytestmark = pytest.mark.django_db


def test_it_redirects_anonymous_visitors(client, bob):
    assert client.get("/accounts/users/bob/").status_code == 302


def test_other_users_may_not_look(login, charlie, bob):
    client = login(charlie)
    assert client.get("/accounts/users/bob/").status_code == 403
    # the same answer whether the user exists or not
    assert client.get("/accounts/users/nobody/").status_code == 403


def test_it_rejects_post(login, alice, bob):
    assert login(alice).post("/accounts/users/bob/").status_code == 405


def test_it_is_404_for_an_unknown_user(login, alice):
    assert login(alice).get("/accounts/users/nobody/").status_code == 404


def test_it_shows_groups_administered_groups_and_keys(login, alice, bob, carol, ops):
    SshKey.objects.create(user=bob, name="laptop", key="ssh-ed25519 AAAA", fingerprint="SHA256:x")
    content = login(alice).get("/accounts/users/bob/").content.decode()
    assert 'href="/accounts/groups/ops/"' in content
    assert "laptop" in content and "SHA256:x" in content
    assert 'action="/accounts/users/bob/deactivate"' in content
    assert "Administers" in login(alice).get("/accounts/users/carol/").content.decode()


def test_users_see_their_own_page_without_admin_controls(login, bob, ops):
    response = login(bob).get("/accounts/users/bob/")
    assert response.status_code == 200
    assert b"deactivate" not in response.content
    assert b'href="/accounts/users/bob/edit"' not in response.content
