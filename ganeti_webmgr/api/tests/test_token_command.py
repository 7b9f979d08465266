"""gwm-manage token create|list|revoke."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ganeti_webmgr.api import tokens
from ganeti_webmgr.api.models import Token
from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_only_the_secret_on_stdout(bob):
    out, err = run("create", "bob", "--name", "backup", "--write", "--allow", "192.0.2.0/24")
    secret = out.strip()
    assert out == secret + "\n" and tokens.SHAPE.match(secret)
    token = tokens.find(secret)
    assert token.user == bob and token.name == "backup" and token.write
    assert token.allowed_ips == ["192.0.2.0/24"]
    assert f"gwm_{token.key_id}" in err and secret not in err
    entry = Entry.objects.get(action="api.token_create")
    assert entry.actor is None and entry.actor_name == ""  # the command line
    assert [t.object_repr for t in entry.targets.all()] == ["bob"]


def test_create_takes_a_day_or_a_number_of_days(bob, configure):
    configure("api", "max_token_days", 0)
    run("create", "bob", "--name", "a", "--expires", "2999-01-31")
    expires = Token.objects.get(name="a").expires_at
    assert timezone.localtime(expires).date().isoformat() == "2999-01-31"
    run("create", "bob", "--name", "b", "--days", "10")
    expected = timezone.now() + timedelta(days=10)
    assert abs((Token.objects.get(name="b").expires_at - expected).total_seconds()) < 5
    run("create", "bob", "--name", "c")
    assert Token.objects.get(name="c").expires_at is None
    run("create", "bob", "--name", "d", "--allow", "192.0.2.1", "2001:db8::/48")
    assert Token.objects.get(name="d").allowed_ips == ["192.0.2.1/32", "2001:db8::/48"]


@pytest.mark.parametrize(
    "args, error",
    [
        (["nobody", "--name", "x"], "USER: no user is called 'nobody'"),
        (["bob", "--name", "x", "--expires", "31.01.2999"], "--expires: '31.01.2999' is not"),
        (["bob", "--name", "x", "--expires", "2000-01-01"], "--expires/--days: the expiry is"),
        (["bob", "--name", "x", "--days", "0"], "--days: give a number"),
        (["bob", "--name", "x", "--days", "400"], r"--expires/--days: tokens are valid for"),
        (["bob", "--name", "x", "--allow", "10.0.0.0/33"], "--allow: '10.0.0.0/33' is not"),
        (["bob", "--name", " "], "--name: a token needs a name"),
    ],
)
def test_create_says_which_argument_is_wrong(bob, args, error):
    with pytest.raises(CommandError, match=error) as refused:
        run("create", *args)
    assert refused.value.returncode == 2
    assert not Token.objects.exists()


def test_create_refuses_deactivated_users_and_taken_names(bob):
    run("create", "bob", "--name", "backup")
    with pytest.raises(CommandError, match="--name: bob already has a token named 'backup'"):
        run("create", "bob", "--name", "backup")
    bob.is_active = False
    bob.save()
    with pytest.raises(CommandError, match="USER: bob is deactivated"):
        run("create", "bob", "--name", "other")


def test_list_shows_tokens_without_secrets(bob, charlie):
    bobs = tokens.issue(bob, "backup", write=True)
    charlies = tokens.issue(charlie, "monitor", allowed_ips=["2001:db8::/32"])
    out, _err = run("list")
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["KEY", "USER", "NAME", "SCOPE", "STATE"]
    assert lines[1].split()[:5] == [f"gwm_{bobs.token.key_id}", "bob", "backup", "write", "active"]
    assert lines[2].split()[:5] == [
        f"gwm_{charlies.token.key_id}",
        "charlie",
        "monitor",
        "read",
        "active",
    ]
    assert "2001:db8::/32" in lines[2]
    assert bobs.secret not in out and charlies.secret not in out
    out, _err = run("list", "charlie")
    assert len(out.splitlines()) == 2 and "monitor" in out
    with pytest.raises(CommandError, match="USER: no user"):
        run("list", "nobody")


def test_list_says_when_there_are_none(bob):
    out, err = run("list", "bob")
    assert out == "" and "No tokens." in err


@pytest.mark.parametrize("form", ["{key}", "gwm_{key}", "{secret}"])
def test_revoke_by_key(bob, form):
    issued = tokens.issue(bob, "backup")
    out, err = run("revoke", form.format(key=issued.token.key_id, secret=issued.secret))
    assert out == "" and "Revoked" in err
    assert Token.objects.get().state() == "revoked"
    entry = Entry.objects.get(action="api.token_revoke")
    assert entry.actor is None and issued.token.label in entry.message


def test_revoke_by_user_and_name(bob):
    tokens.issue(bob, "backup")
    run("revoke", "--user", "bob", "--name", "backup")
    assert Token.objects.get().revoked_at is not None
    _out, err = run("revoke", "--user", "bob", "--name", "backup")
    assert "revoked already" in err
    assert Entry.objects.filter(action="api.token_revoke").count() == 1


@pytest.mark.parametrize(
    "args, error",
    [
        ([], "KEY: give a token's KEY, or --user and --name"),
        (["--user", "bob"], "KEY: give a token's KEY"),
        (["abc"], "KEY: 'abc' is not a key id"),
        (["0123456789ab"], "KEY: no token has the key id 0123456789ab"),
        (["0123456789ab", "--user", "bob"], "KEY: give a KEY or --user and --name, not both"),
        (["--user", "nobody", "--name", "x"], "--user: no user is called 'nobody'"),
        (["--user", "bob", "--name", "x"], "--name: bob has no token named 'x'"),
    ],
)
def test_revoke_says_which_argument_is_wrong(bob, args, error):
    with pytest.raises(CommandError, match=error) as refused:
        run("revoke", *args)
    assert refused.value.returncode == 2
