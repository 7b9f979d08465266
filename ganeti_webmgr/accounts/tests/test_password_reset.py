"""Forgotten passwords, end to end: the request, the mail through a real SMTP server,
the link (once, and not after it expires), and who gets no mail."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")
SENT_PAGE = b"If an account with a password in GWM has that address"


def ask_reset(client, address):
    return client.post("/accounts/password/reset/", {"email": address})


def reset_link(smtp_server, address):
    [mail] = smtp_server.messages_to(address)
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


def set_password(client, link, password):
    """Follow a reset link (Django swaps the token for a session and redirects), then
    post the new password; the final response."""
    response = client.get(link)
    if response.status_code != 302:
        return response
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_it_links_from_the_login_page_when_mail_is_set_up(client, smtp_server):
    assert b'href="/accounts/password/reset/"' in client.get("/accounts/login/").content


def test_it_says_so_without_an_smtp_server(client, bob):
    assert b"/accounts/password/reset/" not in client.get("/accounts/login/").content
    response = ask_reset(client, "bob@example.org")
    assert response.status_code == 200
    assert b"cannot send e-mail" in response.content
    assert not Entry.objects.filter(action="user.password_reset_request").exists()


def test_it_mails_a_link_that_sets_the_password_once(client, smtp_server, bob):
    response = ask_reset(client, "BOB@example.org")  # addresses match case-insensitively
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert SENT_PAGE in client.get(response.url).content
    [mail] = smtp_server.received
    assert mail.recipients == ["bob@example.org"]
    assert mail.sender == settings.DEFAULT_FROM_EMAIL
    assert "reset your password" in mail.message["Subject"]
    assert "within 1 hour" in mail.body
    link = reset_link(smtp_server, "bob@example.org")
    entry = Entry.objects.get(action="user.password_reset_request")
    assert [t.object_pk for t in entry.targets.all()] == [bob.pk]

    response = set_password(client, link, "new-bob-password-42")
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    bob.refresh_from_db()
    assert bob.check_password("new-bob-password-42")
    done = Entry.objects.get(action="user.password_reset")
    assert done.actor == bob
    assert [t.object_pk for t in done.targets.all()] == [bob.pk]
    assert "new-bob-password" not in str(done.changes) + done.message

    # The same link again: refused, the password stays.
    client.logout()
    response = set_password(client, link, "another-password-43")
    assert response.status_code == 200
    assert b"This link does not work" in response.content
    bob.refresh_from_db()
    assert bob.check_password("new-bob-password-42")
    assert Entry.objects.filter(action="user.password_reset").count() == 1


def test_it_refuses_an_expired_link(client, smtp_server, bob):
    generator = default_token_generator
    now = generator._num_seconds(generator._now())
    uid = urlsafe_base64_encode(force_bytes(bob.pk))

    def link_made_ago(seconds):
        token = generator._make_token_with_timestamp(bob, now - seconds, generator.secret)
        return f"/accounts/password/reset/{uid}/{token}/"

    timeout = settings.PASSWORD_RESET_TIMEOUT
    response = set_password(client, link_made_ago(timeout + 60), "new-bob-password-42")
    assert b"This link does not work" in response.content
    bob.refresh_from_db()
    assert bob.check_password("bob-password-1")
    # Made just within the timeout, the same kind of link works.
    response = set_password(client, link_made_ago(timeout - 60), "new-bob-password-42")
    assert response.url == "/accounts/password/reset/done/"


def test_it_takes_the_timeout_from_settings_conf():
    from ganeti_webmgr import conf

    assert conf.current().get("password_reset", "timeout") == settings.PASSWORD_RESET_TIMEOUT
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_it_answers_the_same_for_an_unknown_address(client, smtp_server, bob):
    known = ask_reset(client, "bob@example.org")
    unknown = ask_reset(client, "nobody@example.org")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert smtp_server.messages_to("nobody@example.org") == []
    entry = Entry.objects.filter(action="user.password_reset_request").latest("pk")
    assert "nobody@example.org" in entry.message
    assert not entry.targets.exists()


@pytest.mark.parametrize("kind", ["no address", "unusable password", "inactive"])
def test_it_mails_nobody_without_a_local_password_or_address(client, smtp_server, kind):
    user = User.objects.create_user("dora", "dora@example.org", "dora-password-1")
    if kind == "no address":
        User.objects.filter(pk=user.pk).update(email="")
    elif kind == "unusable password":  # as LDAP and OIDC accounts have
        user.set_unusable_password()
        user.save()
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)
    for address in ("dora@example.org", ""):
        response = ask_reset(client, address)
        assert response.status_code in (200, 302)
    assert smtp_server.received == []


def test_it_sends_one_mail_per_interval(client, smtp_server, bob, settings):
    ask_reset(client, "bob@example.org")
    response = ask_reset(client, "bob@example.org")
    assert response.url == "/accounts/password/reset/sent/"
    assert len(smtp_server.messages_to("bob@example.org")) == 1
    settings.PASSWORD_RESET_MIN_INTERVAL = 0
    ask_reset(client, "bob@example.org")
    assert len(smtp_server.messages_to("bob@example.org")) == 2


def test_it_answers_as_usual_when_the_smtp_server_is_down(client, smtp_server, bob, settings):
    from ganeti_webmgr.testing.ports import closed_port

    settings.EMAIL_PORT = closed_port()
    response = ask_reset(client, "bob@example.org")
    assert response.url == "/accounts/password/reset/sent/"
    # Not counted as sent: once the server is back, a new request mails at once.
    assert not Entry.objects.filter(action="user.password_reset_request").exists()
    settings.EMAIL_PORT = smtp_server.port
    ask_reset(client, "bob@example.org")
    assert len(smtp_server.messages_to("bob@example.org")) == 1


def test_it_rejects_a_malformed_address(client, smtp_server):
    response = ask_reset(client, "not an address")
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
