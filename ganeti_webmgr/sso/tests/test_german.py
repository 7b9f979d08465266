"""Single sign-on in German: the button and a refusal's reason are translated, the
log's entry of the refusal stays English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


def test_the_button_is_in_german(configure, german):
    configure("oidc", "enabled", True)
    configure("oidc", "button_label", "Example SSO")
    text = Client(**german).get("/accounts/login/").content.decode()
    assert ">Mit Example SSO anmelden</button>" in text


def test_a_refusal_is_in_german_and_logged_in_english(sso, german):
    User.objects.create_user("erin", is_active=False)
    response = sso.sign_in(Client(**german), "erin", "erin-idp-password", follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "Single Sign-on fehlgeschlagen: der GWM-Benutzer 'erin' ist deaktiviert."
    entry = Entry.objects.get(action="user.login_failed")
    assert entry.message == "Single sign-on refused: the GWM user 'erin' is deactivated"
