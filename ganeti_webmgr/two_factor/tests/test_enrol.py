"""Setting up the authenticator from one's profile, and turning it off."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.two_factor import devices

pytestmark = pytest.mark.django_db


def _secret(content: bytes) -> str:
    return re.search(rb'<code class="secret">([A-Z2-7 ]+)</code>', content).group(1).decode()


def test_it_shows_a_qr_code_and_the_key(client, bob):
    client.force_login(bob)
    response = client.get("/accounts/two-factor/enrol")
    assert response.status_code == 200
    content = response.content
    assert b"<svg" in content
    assert not re.search(rb"<script(?![^>]*\bsrc=)", content)  # no inline script
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    secret = _secret(content).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # A reload shows the same key: the app may have scanned it already.
    assert _secret(client.get("/accounts/two-factor/enrol").content).replace(" ", "") == secret


def test_it_refuses_a_wrong_code(client, bob, totp_code):
    client.force_login(bob)
    client.get("/accounts/two-factor/enrol")
    device = TOTPDevice.objects.get(user=bob)
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"
    response = client.post("/accounts/two-factor/enrol", {"code": wrong})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not Entry.objects.filter(action="twofactor.enrol").exists()


def test_it_turns_on_with_a_code_and_shows_the_recovery_codes_once(client, bob, totp_code):
    client.force_login(bob)
    client.get("/accounts/two-factor/enrol")
    device = TOTPDevice.objects.get(user=bob)
    response = client.post("/accounts/two-factor/enrol", {"code": totp_code(device)})
    assert response.status_code == 200
    codes = re.findall(rb"<li><code>([a-z2-7]{8})</code></li>", response.content)
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=bob).values_list("token", flat=True))
    assert stored == {devices.recovery_digest(code.decode()) for code in codes}
    assert not stored & {code.decode() for code in codes}  # not in clear
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    entry = Entry.objects.get(action="twofactor.enrol")
    assert entry.actor == bob
    # Shown once: the enrolment page now sends back to the profile, without codes.
    again = client.get("/accounts/two-factor/enrol", follow=True)
    assert again.redirect_chain == [("/accounts/profile/two-factor/", 302)]
    assert b"is <strong>on</strong>" in again.content
    assert b"10 recovery codes left" in again.content
    assert codes[0] not in again.content


def test_it_turns_off_with_a_code(client, bob, enrolled, totp_code):
    device, _ = enrolled(bob)
    client.force_login(bob)
    response = client.post("/accounts/profile/two-factor/disable", {"code": totp_code(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert not StaticToken.objects.filter(device__user=bob).exists()
    assert Entry.objects.get(action="twofactor.disable").actor == bob


def test_it_stays_on_after_a_wrong_code(client, bob, enrolled):
    enrolled(bob)
    client.force_login(bob)
    response = client.post("/accounts/profile/two-factor/disable", {"code": "000000"}, follow=True)
    assert b"That code is not right; two-factor sign-in stays on." in response.content
    assert TOTPDevice.objects.filter(user=bob, confirmed=True).exists()
    assert Entry.objects.filter(action="twofactor.code_failed").count() == 1


def test_it_stays_on_when_required(client, alice, enrolled, totp_code, configure):
    configure("two_factor", "required_for_superusers", True)
    device, _ = enrolled(alice)
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/two-factor/disable", {"code": totp_code(device, 1)}, follow=True
    )
    assert b"is required for your account and cannot be turned off" in response.content
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/accounts/two-factor/enrol")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not TOTPDevice.objects.exists()
