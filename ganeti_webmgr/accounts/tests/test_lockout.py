"""Repeated wrong passwords lock a login out ([login] in settings.conf, django-axes)."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import CommandError, call_command

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


def log_in(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username, times, address="192.0.2.10", **headers):
    return [log_in(client, username, "wrong", address, **headers).status_code for _ in range(times)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_package_default_is_five_failures_for_fifteen_minutes_per_user_and_address():
    assert LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_it_locks_out_after_the_limit_and_refuses_the_right_password(client, bob):
    assert fail(client, "bob", LIMIT - 1) == [200] * (LIMIT - 1)
    locked = log_in(client, "bob", "wrong")
    assert locked.status_code == 429
    response = log_in(client, "bob", "bob-password-1")
    assert response.status_code == 429
    assert not logged_in(client)
    # a styled page: the site's layout and the login form, with the reason
    body = response.content.decode()
    assert "gwm/gwm.css" in body and 'name="username"' in body
    assert "Too many failed logins" in body and "15 minutes" in body


def test_the_lockout_ends_after_the_cool_off(client, bob):
    fail(client, "bob", LIMIT)
    assert log_in(client, "bob", "bob-password-1").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, "bob", "bob-password-1").status_code == 302
    assert logged_in(client)


def test_a_successful_login_resets_the_count(client, bob):
    fail(client, "bob", LIMIT - 1)
    assert log_in(client, "bob", "bob-password-1").status_code == 302
    client.post("/accounts/logout/")
    assert fail(client, "bob", LIMIT - 1) == [200] * (LIMIT - 1)
    assert log_in(client, "bob", "bob-password-1").status_code == 302


def test_another_address_is_not_locked_out(client, bob):
    fail(client, "bob", LIMIT)
    assert log_in(client, "bob", "bob-password-1", "192.0.2.99").status_code == 302


def test_unknown_user_names_from_one_address_count_together(client, bob):
    statuses = [log_in(client, f"nobody-{i}", "x").status_code for i in range(LIMIT + 1)]
    assert statuses == [200] * (LIMIT - 1) + [429, 429]
    # what was typed is not stored by the lockout either
    assert not AccessAttempt.objects.filter(username__startswith="nobody").exists()
    # a real user from the same address has their own count
    assert log_in(client, "bob", "bob-password-1").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_without_a_proxy(client, bob, configure):
    configure("web", "behind_tls_proxy", False)
    for i in range(LIMIT):
        log_in(client, "bob", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = log_in(client, "bob", "bob-password-1", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429


def test_behind_the_proxy_each_forwarded_client_counts_alone(client, bob, configure):
    configure("web", "behind_tls_proxy", True)
    proxy = {"address": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https", "secure": True}
    fail(client, "bob", LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    response = log_in(client, "bob", "bob-password-1", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert response.status_code == 429
    response = log_in(client, "bob", "bob-password-1", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert response.status_code == 302


def test_unlock_a_user(client, bob):
    fail(client, "bob", LIMIT)
    out = StringIO()
    call_command("unlock", "bob", stdout=out)
    assert out.getvalue() == "Unlocked logins of bob: 1 failure record forgotten.\n"
    assert log_in(client, "bob", "bob-password-1").status_code == 302
    entry = Entry.objects.get(action="login.unlock")
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_unlock_an_address(client, bob):
    fail(client, "nobody", LIMIT)
    assert log_in(client, "nobody-else", "x").status_code == 429
    call_command("unlock", "--ip", "192.0.2.10", stdout=StringIO())
    assert log_in(client, "nobody-else", "x").status_code == 200


def test_unlock_all(client, bob, charlie):
    fail(client, "bob", LIMIT)
    fail(client, "charlie", LIMIT, "192.0.2.20")
    call_command("unlock", "--all", stdout=StringIO())
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "charlie", "charlie-password-1", "192.0.2.20").status_code == 302


@pytest.mark.parametrize(
    "args, error",
    [
        ([], "name a user"),
        (["--all", "bob"], "--all takes no"),
        (["--ip", "not-an-address"], "is not an IP address"),
        (["mallory"], "no user is called 'mallory'"),
    ],
)
def test_unlock_says_what_is_wrong(bob, args, error):
    with pytest.raises(CommandError, match=error):
        call_command("unlock", *args)
