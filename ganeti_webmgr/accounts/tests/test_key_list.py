"""/accounts/profile/keys/: a user's own SSH public keys, and adding one."""

import pytest

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.accounts.tests import keys
from ganeti_webmgr.accounts.tests.conftest import last_entry
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/keys/"


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"key": keys.ED25519[0]}).status_code == 302
    assert not SshKey.objects.exists()


def test_it_rejects_put(login, bob):
    assert login(bob).put(URL).status_code == 405


def test_it_adds_a_key_named_after_its_comment_and_logs_it(login, bob):
    response = login(bob).post(URL, {"name": "", "key": keys.ED25519[0]})
    assert response.status_code == 302
    key = SshKey.objects.get(user=bob)
    assert (key.name, key.key) == ("alice@laptop", keys.ED25519[0])
    assert key.fingerprint == keys.ED25519[1]
    entry = last_entry("sshkey.add")
    assert entry.actor == bob and keys.ED25519[1] in entry.message
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_it_lists_only_the_users_own_keys_with_fingerprints(login, bob, charlie):
    SshKey.objects.create(user=bob, name="mine", key=keys.ED25519[0], fingerprint=keys.ED25519[1])
    SshKey.objects.create(user=charlie, name="theirs", key=keys.RSA_2048[0], fingerprint="x")
    content = login(bob).get(URL).content.decode()
    assert "mine" in content and keys.ED25519[1] in content
    assert "theirs" not in content


def test_it_shows_the_error_next_to_the_key_field(login, bob):
    response = login(bob).post(URL, {"name": "old", "key": keys.RSA_1024})
    assert response.status_code == 200
    assert "at least 2048 bits" in response.context["form"].errors["key"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not SshKey.objects.exists()
    assert not Entry.objects.filter(action="sshkey.add").exists()


def test_it_rejects_a_key_the_user_already_has(login, bob):
    client = login(bob)
    client.post(URL, {"name": "one", "key": keys.ED25519[0]})
    response = client.post(URL, {"name": "two", "key": keys.ED25519[0].replace("alice@", "x@")})
    assert "You already have this key" in response.context["form"].errors["key"][0]
    assert SshKey.objects.count() == 1


def test_it_rejects_a_name_the_user_already_uses(login, bob):
    client = login(bob)
    client.post(URL, {"name": "laptop", "key": keys.ED25519[0]})
    response = client.post(URL, {"name": "laptop", "key": keys.RSA_2048[0]})
    assert "name" in response.context["form"].errors


def test_two_users_may_have_the_same_key(login, bob, charlie):
    login(bob).post(URL, {"key": keys.ED25519[0]})
    login(charlie).post(URL, {"key": keys.ED25519[0]})
    assert SshKey.objects.count() == 2


def test_its_query_count_does_not_grow_with_the_keys(login, bob, django_assert_max_num_queries):
    client = login(bob)
    # The session, the user, the keys, the user's cluster grants, the clusters seen.
    with django_assert_max_num_queries(5) as few:
        client.get(URL)
    for n in range(10):
        SshKey.objects.create(user=bob, name=f"k{n}", key=keys.ED25519[0], fingerprint=f"f{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_it_requires_a_csrf_token(bob):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post(URL, {"key": keys.ED25519[0]}).status_code == 403
    assert not SshKey.objects.exists()
