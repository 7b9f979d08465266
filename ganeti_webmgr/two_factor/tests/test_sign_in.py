"""The second step of a sign-in: codes, recovery codes, requirements, and single sign-on."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import user_login_failed
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.two_factor import pending

pytestmark = pytest.mark.django_db


def _password(client, username, password, next_url="/vms/"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "next": next_url}
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_user_without_a_device_needs_only_the_password(client, bob):
    response = _password(client, "bob", "bob-password-1")
    assert response.url == "/vms/"
    assert _logged_in(client)


def test_an_enrolled_user_gives_a_code_after_the_password(client, bob, enrolled, totp_code):
    device, _ = enrolled(bob)
    response = _password(client, "bob", "bob-password-1")
    assert response.url == "/accounts/login/code"
    assert not _logged_in(client)
    # Not logged in between the steps: pages still send to the login form.
    assert client.get("/vms/").url.startswith("/accounts/login/")
    page = client.get("/accounts/login/code")
    assert b"Enter the code your authenticator app shows for bob" in page.content
    response = client.post("/accounts/login/code", {"code": totp_code(device, 1)})
    assert response.url == "/vms/"
    assert _logged_in(client)
    assert pending.SESSION_KEY not in client.session
    assert Entry.objects.filter(action="user.login", actor=bob).count() == 1


def test_a_wrong_code_is_refused_and_throttled(client, bob, enrolled, totp_code):
    device, _ = enrolled(bob)
    _password(client, "bob", "bob-password-1")
    response = client.post("/accounts/login/code", {"code": "000000"})
    assert b"That code is not right, or has been used already." in response.content
    assert not _logged_in(client)
    # Right at once after a wrong one: django-otp makes the device wait a moment.
    response = client.post("/accounts/login/code", {"code": totp_code(device, 1)})
    assert b"wait a minute, then try again" in response.content
    assert not _logged_in(client)
    assert Entry.objects.filter(action="twofactor.code_failed").count() == 2
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post("/accounts/login/code", {"code": totp_code(device, 1)})
    assert response.url == "/vms/"
    assert _logged_in(client)


def test_a_wrong_code_is_a_failed_login_for_lockouts(client, bob, enrolled):
    enrolled(bob)
    failures = []

    def count(sender, credentials, request=None, **kwargs):
        failures.append((credentials["username"], request.path))

    user_login_failed.connect(count)
    try:
        _password(client, "bob", "bob-password-1")
        client.post("/accounts/login/code", {"code": "000000"})
    finally:
        user_login_failed.disconnect(count)
    assert failures == [("bob", "/accounts/login/code")]
    # Recorded once, as what it was.
    assert Entry.objects.filter(action="twofactor.code_failed").count() == 1
    assert not Entry.objects.filter(action="user.login_failed").exists()


def test_too_many_wrong_codes_end_the_sign_in(client, bob, enrolled, settings):
    settings.AXES_FAILURE_LIMIT = 10  # the login lockout (below) would come first
    enrolled(bob)
    _password(client, "bob", "bob-password-1")
    for _ in range(pending.MAX_FAILURES - 1):
        assert client.post("/accounts/login/code", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/login/code", {"code": "000000"}, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert b"Too many wrong codes. Log in again." in response.content
    assert client.get("/accounts/login/code").url == "/accounts/login/"
    assert Entry.objects.filter(action="twofactor.code_failed").count() == pending.MAX_FAILURES


def test_wrong_codes_count_towards_the_login_lockout(client, bob, enrolled, settings):
    enrolled(bob)
    _password(client, "bob", "bob-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/code", {"code": "000000"}).status_code == 200
    assert client.post("/accounts/login/code", {"code": "000000"}).status_code == 429
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"username": "bob", "password": "bob-password-1"}
        ).status_code
        == 429
    )


def test_a_recovery_code_works_once(client, bob, enrolled):
    _, codes = enrolled(bob)
    _password(client, "bob", "bob-password-1")
    response = client.post("/accounts/login/code", {"code": codes[0].upper()}, follow=True)
    assert _logged_in(client)
    assert b"You used a recovery code; 9 left." in response.content
    entry = Entry.objects.get(action="twofactor.recovery_code")
    assert entry.message == "Used a recovery code (9 left)"
    client.logout()
    _password(client, "bob", "bob-password-1")
    response = client.post("/accounts/login/code", {"code": codes[0]})
    assert b"That code is not right, or has been used already." in response.content
    assert not _logged_in(client)


def test_the_code_page_expires(client, bob, enrolled, totp_code):
    device, _ = enrolled(bob)
    _password(client, "bob", "bob-password-1")
    session = client.session
    session[pending.SESSION_KEY]["since"] -= pending.LIFETIME + 1
    session.save()
    response = client.post("/accounts/login/code", {"code": totp_code(device, 1)}, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert b"Your sign-in took too long" in response.content
    assert not _logged_in(client)


def test_a_superuser_must_enrol_before_anything_else(client, alice, configure, totp_code):
    configure("two_factor", "required_for_superusers", True)
    response = _password(client, "alice", "alice-password-1")
    assert response.url == "/accounts/two-factor/enrol"
    assert not _logged_in(client)
    assert client.get("/clusters/").url.startswith("/accounts/login/")
    assert client.get("/accounts/login/code").url == "/accounts/two-factor/enrol"
    page = client.get("/accounts/two-factor/enrol")
    assert b"Your account needs a second factor" in page.content
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    response = client.post("/accounts/two-factor/enrol", {"code": totp_code(device)})
    assert _logged_in(client)
    assert len(re.findall(rb"<li><code>[a-z2-7]{8}</code></li>", response.content)) == 10
    assert b'<a href="/vms/">Continue</a>' in response.content
    # From now on the code is asked for.
    client.logout()
    assert _password(client, "alice", "alice-password-1").url == "/accounts/login/code"


def test_members_of_required_groups_must_enrol(client, bob, charlie, configure):
    configure("two_factor", "required_groups", ["ops"])
    bob.groups.add(Group.objects.create(name="ops"))
    assert _password(client, "bob", "bob-password-1").url == "/accounts/two-factor/enrol"
    assert not _logged_in(client)
    assert _password(client, "charlie", "charlie-password-1").url == "/vms/"


def test_single_sign_on_trusts_the_providers_second_factor(client, sso, enrolled):
    from django.contrib.auth.models import User

    erin = User.objects.create_user("erin")
    enrolled(erin)
    response = sso.sign_in(client, "erin", "erin-idp-password")
    assert response.url == "/"
    assert _logged_in(client)


def test_single_sign_on_asks_for_the_code_when_configured(
    client, sso, enrolled, configure, totp_code
):
    from django.contrib.auth.models import User

    configure("two_factor", "apply_to_sso", True)
    erin = User.objects.create_user("erin")
    device, _ = enrolled(erin)
    response = sso.sign_in(client, "erin", "erin-idp-password", next_url="/jobs/")
    assert response.url == "/accounts/login/code"
    assert not _logged_in(client)
    response = client.post("/accounts/login/code", {"code": totp_code(device, 1)})
    assert response.url == "/jobs/"
    assert client.session["_auth_user_id"] == str(erin.pk)
