"""GET /clusters/<slug>/keys/<token>[/<vm>]: authorized_keys lines, by token."""

import pytest

from ganeti_webmgr.permissions.rules import can, users_who_administer
from ganeti_webmgr.vmkeys.feed import rotate_token


def lines_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def keys_of(cast, *names):
    return sorted(cast["keys"][n] for n in names)


@pytest.fixture
def token(cast):
    return rotate_token(cast["cluster"])


def test_a_vm_gets_its_admins_the_clusters_admins_and_superusers(client, cast, token):
    response = client.get(f"/clusters/a/keys/{token}/a1")
    # alice superuser, bob a1's admin, carol cluster admin, dave through his group
    assert sorted(lines_of(response)) == keys_of(cast, "alice", "bob", "carol", "dave")


def test_a_vm_level_admin_is_in_that_vms_feed_only(client, cast, token):
    assert sorted(lines_of(client.get(f"/clusters/a/keys/{token}/a2"))) == keys_of(
        cast, "alice", "carol", "dave"
    )
    assert sorted(lines_of(client.get(f"/clusters/a/keys/{token}"))) == keys_of(
        cast, "alice", "carol", "dave"
    )


def test_power_holders_outsiders_and_inactive_users_are_left_out(client, cast, token):
    text = client.get(f"/clusters/a/keys/{token}/a1").content.decode()
    for name in ("charlie", "erin", "frank"):
        assert cast["keys"][name] not in text


def test_the_answer_follows_the_rules(cast):
    # The same users as can(user, "admin", ...) (cluster a is not read-only), active only.
    everyone = cast["people"].values()
    for target in (cast["a1"], cast["a2"], cast["cluster"]):
        expected = {u.username for u in everyone if can(u, "admin", target)}
        assert {u.username for u in users_who_administer(target)} == expected


def test_a_wrong_token_answers_as_an_unknown_cluster(client, cast, token):
    wrong = client.get("/clusters/a/keys/not-the-token")
    unknown = client.get(f"/clusters/nope/keys/{token}")
    no_feed = client.get(f"/clusters/b/keys/{token}")  # b never had a token
    for response in (wrong, unknown, no_feed, client.get("/clusters/a/keys/not-the-token/a1")):
        assert response.status_code == 404
        assert response.content == wrong.content


def test_an_unknown_vm_answers_404(client, cast, token):
    assert client.get(f"/clusters/a/keys/{token}/nope").status_code == 404


def test_a_login_counts_for_nothing(client, cast, token):
    client.force_login(cast["people"]["alice"])
    assert client.get("/clusters/a/keys/wrong/a1").status_code == 404
    client.logout()
    assert client.get(f"/clusters/a/keys/{token}/a1").status_code == 200


def test_rotation_ends_the_old_token(client, cast, token):
    new = rotate_token(cast["cluster"])
    assert client.get(f"/clusters/a/keys/{token}").status_code == 404
    assert client.get(f"/clusters/a/keys/{new}").status_code == 200


def test_only_the_tokens_hash_is_kept(cast, token):
    feed = cast["cluster"].key_feed
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    assert feed.matches(token) and not feed.matches(token[:-1])


def test_other_methods_are_refused(client, cast, token):
    assert client.post(f"/clusters/a/keys/{token}").status_code == 405


def test_a_cluster_without_keys_gives_an_empty_feed(client, cast, token):
    from ganeti_webmgr.accounts.models import SshKey

    SshKey.objects.all().delete()
    assert client.get(f"/clusters/a/keys/{token}").content == b""
