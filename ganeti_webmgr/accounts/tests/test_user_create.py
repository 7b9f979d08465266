"""/accounts/users/new: superusers create users."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.accounts.tests.conftest import last_entry

pytestmark = pytest.mark.django_db

URL = "/accounts/users/new"
FORM = {
    "username": "dave",
    "first_name": "Dave",
    "last_name": "Doe",
    "email": "dave@example.org",
    "password1": "a-long-Passphrase-9",
    "password2": "a-long-Passphrase-9",
}


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302


def test_it_is_forbidden_to_plain_users(login, bob):
    assert login(bob).get(URL).status_code == 403
    assert login(bob).post(URL, FORM).status_code == 403
    assert not User.objects.filter(username="dave").exists()


def test_it_rejects_put(login, alice):
    assert login(alice).put(URL).status_code == 405


def test_it_shows_a_labelled_form(login, alice):
    content = login(alice).get(URL).content.decode()
    assert '<label for="id_username">' in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_it_creates_a_user_and_logs_it_without_the_password(login, alice):
    response = login(alice).post(URL, FORM, REMOTE_ADDR="192.0.2.4")
    assert response.status_code == 302 and response.url == "/accounts/users/dave/"
    dave = User.objects.get(username="dave")
    assert dave.check_password("a-long-Passphrase-9") and not dave.is_superuser
    entry = last_entry("user.create")
    assert (entry.actor, entry.source_ip) == (alice, "192.0.2.4")
    assert [t.object_repr for t in entry.targets.all()] == ["dave"]
    assert entry.changes["email"] == [None, "dave@example.org"]
    assert "password" not in entry.changes
    assert dave.password not in str(entry.changes)


def test_it_shows_errors_next_to_the_fields(login, alice, bob):
    response = login(alice).post(URL, {**FORM, "username": "BOB", "password2": "other"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "username" in form.errors and "password2" in form.errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.count() == 2  # alice and bob


def test_it_applies_the_password_rules(login, alice):
    response = login(alice).post(URL, {**FORM, "password1": "123", "password2": "123"})
    assert "password2" in response.context["form"].errors
