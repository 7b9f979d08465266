"""API tokens: kept as hashes, their scope, expiry, networks, revocation, last use and
throttle."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from ganeti_webmgr import audit
from ganeti_webmgr.api import throttling, tokens
from ganeti_webmgr.api.models import Token
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/api/v1/vms/"  # a read anyone signed in may make (an empty list without clusters)


class Echo(APIView):
    """A write route of the test's own, with the API's default authentication,
    permissions and throttle: answers who made it, and logs it as a change would."""

    def get(self, request):
        return Response({"user": request.user.username})

    def post(self, request):
        audit.record("profile.edit", request=request, targets=[request.user], message="echo")
        return Response({"user": request.user.username})


def call(method: str, secret: str, **extra):
    factory = APIRequestFactory()
    request = getattr(factory, method)("/echo", HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)
    return Echo.as_view()(request)


def detail(response) -> str:
    # A test client's answer, or a view's own (not rendered: its data).
    data = response.json() if hasattr(response, "json") else response.data
    return str(data["detail"])


# -- at rest --------------------------------------------------------------------------
def test_the_secret_is_kept_nowhere_only_its_hash(bob, caplog):
    caplog.set_level(logging.DEBUG)
    issued = tokens.issue(bob, "backup", write=True, allowed_ips=["192.0.2.0/24"])
    secret = issued.secret
    assert tokens.SHAPE.match(secret)
    random_part = secret.rsplit("_", 1)[1]
    token = Token.objects.get()
    assert token.secret_hash == tokens.digest(secret) and len(token.secret_hash) == 64
    for value in Token.objects.values_list().get():
        assert random_part not in str(value)
    entry = Entry.objects.get(action="api.token_create")
    for value in Entry.objects.filter(pk=entry.pk).values_list().get():
        assert random_part not in str(value)
    assert f"gwm_{token.key_id}" in entry.message and "read and write" in entry.message
    assert random_part not in caplog.text


def test_a_token_is_found_by_its_secret_only(bob):
    issued = tokens.issue(bob, "backup")
    assert tokens.find(issued.secret) == issued.token
    forged = issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")
    assert tokens.find(forged) is None
    assert tokens.find(f"gwm_{issued.token.key_id}") is None
    assert tokens.find("") is None


def test_it_answers_with_the_tokens_user(api, bob):
    response = api(bob, write=False).get(URL)
    assert response.status_code == 200, response.content


# -- scope ----------------------------------------------------------------------------
def test_a_read_only_token_may_read_but_not_write(bob):
    secret = tokens.issue(bob, "reader", write=False).secret
    assert call("get", secret).status_code == 200
    refused = call("post", secret)
    assert refused.status_code == 403
    assert "may only read" in detail(refused)
    assert not Entry.objects.filter(action="profile.edit").exists()


def test_a_write_token_may_write_and_the_log_names_it(bob):
    issued = tokens.issue(bob, "writer", write=True)
    response = call("post", issued.secret, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200 and response.data == {"user": "bob"}
    entry = Entry.objects.get(action="profile.edit")
    assert entry.actor == bob and entry.via == issued.token.label
    assert entry.via == f"API token 'writer' (gwm_{issued.token.key_id})"


def test_the_web_session_may_write_without_a_token(bob):
    from rest_framework.permissions import SAFE_METHODS

    from ganeti_webmgr.api.access import SignedIn

    request = SimpleNamespace(user=bob, method="POST", auth=None)
    assert "POST" not in SAFE_METHODS and SignedIn().has_permission(request, None)
    bob.is_active = False
    assert not SignedIn().has_permission(request, None)


# -- refusals: 401 --------------------------------------------------------------------
def test_an_expired_token_is_refused(api, bob):
    client = api(bob)
    Token.objects.filter(pk=client.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(URL)
    assert response.status_code == 401 and detail(response) == "This token has expired."


def test_a_revoked_token_is_refused(api, bob, alice):
    client = api(bob)
    assert tokens.revoke(client.token, by=alice) is True
    assert tokens.revoke(client.token, by=alice) is False  # once
    response = client.get(URL)
    assert response.status_code == 401 and detail(response) == "This token was revoked."
    entry = Entry.objects.get(action="api.token_revoke")
    assert entry.actor == alice and client.token.label in entry.message


def test_a_deactivated_users_token_is_refused(api, bob):
    client = api(bob)
    bob.is_active = False
    bob.save()
    response = client.get(URL)
    assert response.status_code == 401
    assert detail(response) == "The token's user is deactivated."


@pytest.mark.parametrize(
    "networks, address, allowed",
    [
        (["192.0.2.0/24"], "192.0.2.200", True),
        (["192.0.2.0/24"], "198.51.100.1", False),
        (["192.0.2.0/24", "198.51.100.1"], "198.51.100.1", True),
        (["2001:db8::/32"], "2001:db8:1::5", True),
        (["2001:db8::/32"], "2001:db9::5", False),
        (["2001:db8::/32"], "192.0.2.1", False),
        ([], "203.0.113.9", True),
    ],
)
def test_a_token_works_only_from_its_networks(api, bob, networks, address, allowed):
    client = api(bob, allowed_ips=networks)
    response = client.get(URL, REMOTE_ADDR=address)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 401
        assert detail(response) == f"This token may not be used from {address}."


def test_networks_are_checked_and_made_canonical(bob):
    token = tokens.issue(bob, "t", allowed_ips="192.0.2.7/24, 2001:DB8::1").token
    assert token.allowed_ips == ["192.0.2.0/24", "2001:db8::1/128"]
    with pytest.raises(tokens.TokenError) as refused:
        tokens.issue(bob, "u", allowed_ips=["10.0.0.0/33"])
    assert refused.value.field == "allowed_ips"


# -- last use ------------------------------------------------------------------------
def test_the_last_use_is_written_at_most_once_a_minute(api, bob):
    client = api(bob)
    token = Token.objects.filter(pk=client.token.pk)
    assert client.get(URL, REMOTE_ADDR="192.0.2.1").status_code == 200
    first = token.get()
    assert first.last_used_ip == "192.0.2.1" and first.last_used_at is not None
    earlier = timezone.now() - timedelta(seconds=30)
    token.update(last_used_at=earlier)
    client.get(URL, REMOTE_ADDR="192.0.2.1")
    assert token.get().last_used_at == earlier  # within the minute: not written
    token.update(last_used_at=timezone.now() - timedelta(seconds=61))
    client.get(URL, REMOTE_ADDR="192.0.2.1")
    assert token.get().last_used_at > earlier


def test_a_new_address_is_written_at_once(api, bob):
    client = api(bob)
    client.get(URL, REMOTE_ADDR="192.0.2.1")
    client.get(URL, REMOTE_ADDR="2001:db8::9")
    assert Token.objects.get(pk=client.token.pk).last_used_ip == "2001:db8::9"


# -- throttle -------------------------------------------------------------------------
def test_the_throttle_counts_each_tokens_requests(api, bob, configure, monkeypatch):
    configure("api", "token_rate", 3)
    now = 1_800_000_015  # 15 s into a window
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: now))
    first, second = api(bob), api(bob)
    assert [first.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(URL)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert second.get(URL).status_code == 200  # another token: its own count
    now += 45  # the next window
    assert first.get(URL).status_code == 200


def test_no_throttle_at_rate_0(api, bob, configure):
    configure("api", "token_rate", 0)
    client = api(bob)
    assert all(client.get(URL).status_code == 200 for _ in range(5))


# -- max_token_days -------------------------------------------------------------------
def test_tokens_get_at_most_max_token_days(bob, configure):
    configure("api", "max_token_days", 30)
    token = tokens.issue(bob, "default").token
    expected = timezone.now() + timedelta(days=30)
    assert abs((token.expires_at - expected).total_seconds()) < 5
    tokens.issue(bob, "shorter", expires_at=timezone.now() + timedelta(days=29))
    with pytest.raises(tokens.TokenError) as refused:
        tokens.issue(bob, "longer", expires_at=timezone.now() + timedelta(days=31))
    assert refused.value.field == "expires_at" and "30 days" in str(refused.value)
    with pytest.raises(tokens.TokenError) as past:
        tokens.issue(bob, "past", expires_at=timezone.now() - timedelta(minutes=1))
    assert past.value.field == "expires_at"


def test_max_token_days_0_allows_no_expiry(bob, configure):
    configure("api", "max_token_days", 0)
    assert tokens.issue(bob, "forever").token.expires_at is None


def test_names_are_unique_among_a_users_active_tokens(bob, charlie, alice):
    first = tokens.issue(bob, "backup").token
    with pytest.raises(tokens.TokenError) as refused:
        tokens.issue(bob, "backup")
    assert refused.value.field == "name"
    tokens.issue(charlie, "backup")  # another user's
    tokens.revoke(first, by=alice)
    tokens.issue(bob, "backup")  # the old one is revoked
    with pytest.raises(tokens.TokenError) as empty:
        tokens.issue(bob, "  ")
    assert empty.value.field == "name"


# -- the log --------------------------------------------------------------------------
def test_the_log_and_its_export_name_the_token(bob, alice, client):
    import json

    issued = tokens.issue(bob, "writer", write=True)
    call("post", issued.secret)
    client.force_login(alice)
    page = client.get("/log/").content.decode()
    assert f"via API token &#x27;writer&#x27; (gwm_{issued.token.key_id})" in page
    export = client.get("/log/export", {"format": "json", "q": "echo"})
    rows = json.loads(b"".join(export.streaming_content))
    assert [row["via"] for row in rows] == [issued.token.label]
