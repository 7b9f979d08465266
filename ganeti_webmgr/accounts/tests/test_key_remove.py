"""/accounts/profile/keys/<id>/remove: users remove their own keys."""

import pytest

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.accounts.tests import keys
from ganeti_webmgr.accounts.tests.conftest import last_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_key(bob):
    return SshKey.objects.create(
        user=bob, name="laptop", key=keys.ED25519[0], fingerprint=keys.ED25519[1]
    )


def url(key):
    return f"/accounts/profile/keys/{key.pk}/remove"


def test_it_redirects_anonymous_visitors(client, bobs_key):
    assert client.post(url(bobs_key)).status_code == 302
    assert SshKey.objects.filter(pk=bobs_key.pk).exists()


def test_other_users_keys_are_404(login, charlie, alice, bobs_key):
    assert login(charlie).post(url(bobs_key)).status_code == 404
    assert login(alice).post(url(bobs_key)).status_code == 404  # even for superusers
    assert SshKey.objects.filter(pk=bobs_key.pk).exists()


def test_it_rejects_get(login, bob, bobs_key):
    assert login(bob).get(url(bobs_key)).status_code == 405


def test_it_removes_the_key_and_logs_it(login, bob, bobs_key):
    response = login(bob).post(url(bobs_key))
    assert response.status_code == 302 and response.url == "/accounts/profile/keys/"
    assert not SshKey.objects.exists()
    entry = last_entry("sshkey.remove")
    assert entry.actor == bob and "laptop" in entry.message and keys.ED25519[1] in entry.message
