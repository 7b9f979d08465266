"""Accounts in German: the login page, the profile, users and groups, SSH keys, and
the password reset mail; what the log records stays English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.accounts.tests import keys as samples
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_german(client, german):
    text = client.get("/accounts/login/", **german).content.decode()
    assert "<h1>Anmelden</h1>" in text and ">Benutzername</label>" in text
    assert ">Anmelden</button>" in text


def test_the_profile_is_in_german(client, bob, german):
    client.force_login(bob)
    text = client.get("/accounts/profile/", **german).content.decode()
    assert "<h1>Ihr Profil</h1>" in text
    assert ">Name, E-Mail und Sprache</a>" in text and ">Zwei-Faktor-Anmeldung</a>" in text
    assert '<option value="" selected>Wie mein Browser es verlangt</option>' in text
    assert ">Vorname:</label>" in text  # Django's own catalog


def test_saving_the_profile_says_so_in_german_and_logs_in_english(client, bob, german):
    client.force_login(bob)
    data = {"first_name": "Bob", "last_name": "", "email": "bob@example.org", "language": ""}
    page = client.post("/accounts/profile/", data, follow=True, **german)
    assert "Profil gespeichert." in page.content.decode()
    assert Entry.objects.get(action="profile.edit").message == "Edited their profile"


def test_users_and_groups_are_in_german(client, alice, bob, german):
    group = Group.objects.create(name="ops")
    group.user_set.add(bob)
    client.force_login(alice)
    text = client.get("/accounts/users/", **german).content.decode()
    assert "<h1>Benutzer</h1>" in text and ">Neuer Benutzer</a>" in text
    assert 'placeholder="Benutzername, Name, E-Mail oder Gruppe"' in text
    assert '<span class="list-count">2 Benutzer.</span>' in text
    assert '<label for="list-active">Aktiv</label>' in text
    text = client.get("/accounts/groups/ops/", **german).content.decode()
    assert "<h1>Gruppe ops</h1>" in text and "<h2>Mitglieder</h2>" in text
    page = client.post(
        "/accounts/groups/ops/members", {"username": "bob", "action": "remove"}, follow=True,
        **german,
    )  # fmt: skip
    assert "bob aus ops entfernt." in page.content.decode()
    assert Entry.objects.get(action="group.member_remove").message == ("Removed bob from group ops")


def test_ssh_keys_are_in_german(client, bob, german):
    client.force_login(bob)
    page = client.post("/accounts/profile/keys/", {"name": "", "key": "nonsense"}, **german)
    text = page.content.decode()
    assert "<h1>Ihre öffentlichen SSH-Schlüssel</h1>" in text
    assert "Der Schlüsseltyp &#x27;nonsense&#x27; wird nicht akzeptiert" in text
    page = client.post(
        "/accounts/profile/keys/", {"name": "laptop", "key": samples.ED25519[0]}, follow=True,
        **german,
    )  # fmt: skip
    assert "Schlüssel „laptop“ hinzugefügt." in page.content.decode()
    assert Entry.objects.get(action="sshkey.add").message.startswith("Added SSH key “laptop”")


def test_the_reset_mail_is_in_the_askers_language(client, bob, smtp_server, german):
    client.post("/accounts/password/reset/", {"email": bob.email}, **german)
    [message] = smtp_server.messages_to(bob.email)
    assert message.message["Subject"] == "Ganeti Web Manager: Passwort zurücksetzen"
    assert message.body.startswith("Hallo bob,")
    assert "innerhalb von " in message.body
