"""gwm-manage two_factor: an administrator resets a user who lost their authenticator."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("two_factor", *args, stdout=out)
    return out.getvalue()


def test_it_resets_a_users_second_factor(client, bob, enrolled):
    enrolled(bob)
    assert _run("status", "bob") == "bob: on (10 recovery codes left)\n"
    output = _run("reset", "bob")
    assert output == (
        "Removed bob's second factor. They sign in with their password alone until they "
        "set up a new one.\n"
    )
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert not StaticDevice.objects.filter(user=bob).exists()
    entry = Entry.objects.get(action="twofactor.reset")
    assert entry.actor is None
    assert [t.object_pk for t in entry.targets.all()] == [bob.pk]
    assert _run("status", "bob") == "bob: off\n"
    # The password alone signs bob in again.
    client.post("/accounts/login/", {"username": "bob", "password": "bob-password-1"})
    assert "_auth_user_id" in client.session


def test_it_says_when_a_required_user_must_enrol_again(alice, enrolled, configure):
    configure("two_factor", "required_for_superusers", True)
    enrolled(alice)
    assert "must set up a new authenticator at their next sign-in" in _run("reset", "alice")
    assert _run("status", "alice") == "alice: off\nrequired for this user\n"


def test_it_has_nothing_to_reset_without_a_device(bob):
    assert _run("reset", "bob") == "bob had no second factor: nothing to reset.\n"
    assert not Entry.objects.filter(action="twofactor.reset").exists()


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        _run("reset", "nobody")
