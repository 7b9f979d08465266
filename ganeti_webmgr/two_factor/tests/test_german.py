"""Two-factor sign-in in German: the code page, its refusals, enrolment and the profile
tab; the log's entries stay English."""

from __future__ import annotations

import pytest
from django.test import Client

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


def test_the_code_page_and_a_wrong_code_are_in_german(bob, enrolled, german):
    enrolled(bob)
    client = Client(**german)
    login = {"username": "bob", "password": "bob-password-1", "next": "/"}
    client.post("/accounts/login/", login)
    text = client.get("/accounts/login/code").content.decode()
    assert "<h1>Anmeldecode</h1>" in text
    assert "Geben Sie den Code ein, den Ihre Authenticator-App für bob zeigt" in text
    text = client.post("/accounts/login/code", {"code": "000000"}).content.decode()
    assert "Dieser Code stimmt nicht oder wurde bereits verwendet." in text
    entry = Entry.objects.get(action="twofactor.code_failed")
    assert entry.message == "Wrong second-factor code at sign-in"


def test_enrolment_and_the_profile_tab_are_in_german(client, bob, german):
    client.force_login(bob)
    text = client.get("/accounts/profile/two-factor/", **german).content.decode()
    assert "<h2>Zwei-Faktor-Anmeldung</h2>" in text
    assert "Die Zwei-Faktor-Anmeldung ist <strong>aus</strong>." in text
    assert 'aria-current="page">Zwei-Faktor-Anmeldung</a>' in text
    text = client.get("/accounts/two-factor/enrol", **german).content.decode()
    assert "<h1>Zwei-Faktor-Anmeldung einrichten</h1>" in text
    assert ">Code aus der App:</label>" in text
