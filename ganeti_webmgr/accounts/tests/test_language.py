"""The language of the pages: the one a user chose in their profile, else the one their
browser asks for (Accept-Language), else the site's."""

import pytest
from django.test import Client

from ganeti_webmgr.accounts.models import UserProfile
from ganeti_webmgr.accounts.tests.conftest import last_entry

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"
PAGE = "/vms/"  # a page with German text in its own app's catalog
GERMAN = "Virtuelle Maschine erstellen"


def profile_data(**fields):
    return {"first_name": "", "last_name": "", "email": "bob@example.org", **fields}


def page(user, accept_language):
    client = Client()
    client.force_login(user)
    return client.get(PAGE, HTTP_ACCEPT_LANGUAGE=accept_language)


def test_the_profile_offers_each_language_named_in_itself(login, bob):
    text = login(bob).get(URL).content.decode()
    assert '<option value="" selected>As my browser asks</option>' in text
    assert '<option value="de">Deutsch</option>' in text


def test_a_user_who_chose_german_gets_german_whatever_the_browser_asks(catalogs, bob):
    UserProfile.objects.create(user=bob, language="de")
    response = page(bob, "en-US,en;q=0.9")
    text = response.content.decode()
    assert '<html lang="de">' in text and GERMAN in text
    assert response["Content-Language"] == "de"


def test_others_follow_their_browser(catalogs, bob, alice):
    UserProfile.objects.create(user=alice, language="")  # chose none
    assert GERMAN in page(bob, "de-DE,de;q=0.9,en;q=0.5").content.decode()
    english = page(alice, "en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in english and "Create a virtual machine" in english
    # A language GWM lacks: the site's (en-us, which falls back to en).
    assert '<html lang="en">' in page(bob, "fr-FR,fr").content.decode()


def test_choosing_applies_at_once_and_is_logged(catalogs, login, bob):
    client = login(bob)
    response = client.post(URL, profile_data(language="de"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert UserProfile.objects.get(user=bob).language == "de"
    assert last_entry("profile.edit").changes == {"language": ["", "de"]}
    assert GERMAN in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_choosing_the_browsers_language_again(catalogs, login, bob):
    UserProfile.objects.create(user=bob, language="de")
    client = login(bob)
    client.post(URL, profile_data(language=""), HTTP_ACCEPT_LANGUAGE="en")
    assert UserProfile.objects.get(user=bob).language == ""
    assert GERMAN not in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_language_gwm_lacks_is_refused(login, bob):
    response = login(bob).post(URL, profile_data(language="fr"))
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not UserProfile.objects.filter(user=bob).exists()
