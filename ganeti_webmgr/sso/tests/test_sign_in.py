"""Single sign-on against a real OpenID Connect provider (the plugin's oidc_provider):
the whole authorization-code flow, the user and groups it makes, and its refusals."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions

pytestmark = pytest.mark.django_db


def test_it_offers_the_button_only_when_enabled(client, configure):
    assert b"Sign in with" not in client.get("/accounts/login/").content
    configure("oidc", "enabled", True)
    configure("oidc", "button_label", "Example SSO")
    content = client.get("/accounts/login/?next=/vms/").content
    assert b"Sign in with Example SSO" in content
    assert b'action="/sso/start"' in content
    assert b'name="next" value="/vms/"' in content


def test_it_is_not_found_when_disabled(client):
    assert client.get("/sso/start").status_code == 404
    assert client.get("/sso/callback?code=x&state=y").status_code == 404


def test_it_signs_in_and_creates_the_user_with_mirrored_groups(client, sso):
    response = sso.sign_in(client, "dora", "dora-idp-password", next_url="/vms/")
    assert response.status_code == 302
    assert response.url == "/vms/"
    dora = User.objects.get(username="dora")
    assert client.session["_auth_user_id"] == str(dora.pk)
    assert dora.email == "dora@idp.example"
    assert not dora.has_usable_password()
    # ops is mirrored (and made); auditors is not, so GWM has no such group.
    assert list(dora.groups.values_list("name", flat=True)) == ["ops"]
    assert not Group.objects.filter(name="auditors").exists()
    actions = list(Entry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["user.create", "group.member_add", "user.login"]


def test_a_grant_to_a_mirrored_group_applies(client, sso):
    cluster = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    set_permissions(cluster, Group.objects.create(name="ops"), ["admin"])
    sso.sign_in(client, "frank", "frank-idp-password")
    assert client.get("/clusters/a/").status_code == 200
    client.logout()
    sso.sign_in(client, "erin", "erin-idp-password")  # in no group at the provider
    assert client.session["_auth_user_id"]
    assert client.get("/clusters/a/").status_code == 404


def test_it_brings_an_existing_users_mirrored_groups_in_line(client, sso):
    erin = User.objects.create_user("erin", "old@example.org", "erin-gwm-password")
    ops, local = Group.objects.create(name="ops"), Group.objects.create(name="local")
    erin.groups.add(ops, local)
    sso.sign_in(client, "erin", "erin-idp-password")
    erin.refresh_from_db()
    assert client.session["_auth_user_id"] == str(erin.pk)
    # ops follows the provider (erin is in no group there); local is GWM's own.
    assert list(erin.groups.values_list("name", flat=True)) == ["local"]
    assert erin.email == "erin@idp.example"
    assert erin.check_password("erin-gwm-password")  # matched by name, password kept
    removal = Entry.objects.get(action="group.member_remove")
    assert removal.message == "erin removed from ops by single sign-on"


def _refusal(response) -> str:
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "_auth_user_id" not in response.wsgi_request.session
    [message] = [str(m) for m in response.context["messages"]]
    return message


def test_it_admits_only_existing_users_when_told_to(client, sso, configure):
    configure("oidc", "create_users", False)
    response = sso.sign_in(client, "dora", "dora-idp-password", follow=True)
    assert _refusal(response) == (
        "Single sign-on failed: there is no GWM user 'dora'; ask an administrator."
    )
    assert not User.objects.filter(username="dora").exists()
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.message.startswith("Single sign-on refused: there is no GWM user")


def test_it_refuses_a_deactivated_user(client, sso):
    User.objects.create_user("erin", is_active=False)
    response = sso.sign_in(client, "erin", "erin-idp-password", follow=True)
    assert _refusal(response) == "Single sign-on failed: the GWM user 'erin' is deactivated."


def test_it_refuses_an_answer_to_a_sign_in_started_elsewhere(client, sso):
    callback = sso.at_provider(sso.start(client), "dora", "dora-idp-password")
    response = Client().get(callback, follow=True)  # another browser
    assert "state mismatch" in _refusal(response)
    assert not User.objects.filter(username="dora").exists()


def test_it_refuses_an_answer_used_twice(client, sso):
    callback = sso.at_provider(sso.start(client), "dora", "dora-idp-password")
    assert client.get(callback).status_code == 302
    client.logout()
    response = client.get(callback, follow=True)
    assert "state mismatch" in _refusal(response)


def test_it_refuses_an_id_token_from_another_issuer(client, sso, configure, oidc_provider):
    sso.set_endpoints()
    configure("oidc", "issuer", "http://idp.example")
    response = sso.sign_in(client, "dora", "dora-idp-password", follow=True)
    assert _refusal(response) == (
        f"Single sign-on failed: the ID token was issued by {oidc_provider.issuer!r}, "
        "not by the configured issuer 'http://idp.example'."
    )


def test_it_refuses_an_id_token_its_keys_do_not_sign(
    client, sso, configure, oidc_provider, other_oidc_provider
):
    configure("oidc", "jwks_uri", other_oidc_provider.url(".well-known/jwks.json"))
    response = sso.sign_in(client, "dora", "dora-idp-password", follow=True)
    assert _refusal(response) == (
        "Single sign-on failed: the ID token is signed with a key the provider does not publish."
    )
    assert not User.objects.filter(username="dora").exists()


def test_it_refuses_a_discovery_document_of_another_issuer(
    client, sso, configure, other_oidc_provider
):
    configure("oidc", "issuer", other_oidc_provider.base_url)
    response = client.get("/sso/start")
    assert response.status_code == 503
    assert (
        f"the discovery document at {other_oidc_provider.base_url}/.well-known/"
        "openid-configuration is for issuer &#x27;http://idp.example&#x27;"
    ) in response.content.decode()


def test_it_says_so_when_the_provider_is_down(client, sso, configure, closed_port):
    configure("oidc", "issuer", f"http://127.0.0.1:{closed_port}")
    response = client.get("/sso/start")
    assert response.status_code == 503
    assert "cannot be reached: connection failed" in response.content.decode()
    assert b"log in with a password" in response.content


def test_it_says_so_when_the_provider_goes_down_mid_way(client, sso, closed_port):
    authorize = sso.start(client)
    callback = sso.at_provider(authorize, "dora", "dora-idp-password")
    sso.set_endpoints(token_endpoint=f"http://127.0.0.1:{closed_port}/token/")
    response = client.get(callback, follow=True)
    assert _refusal(response) == (
        "Single sign-on failed: the sign-in provider cannot be reached: connection failed "
        "(is it running, and is the address right?)."
    )


def test_it_shows_the_providers_refusal(client, sso):
    sso.start(client)
    response = client.get(
        "/sso/callback?error=access_denied&error_description=Not+for+you&state=x", follow=True
    )
    assert _refusal(response) == "Single sign-on failed: the provider refused: Not for you."
