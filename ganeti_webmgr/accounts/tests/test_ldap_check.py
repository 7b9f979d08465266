"""gwm-manage ldap_check against the test slapd: what it says, and its errors."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from ganeti_webmgr.testing import slapd
from ganeti_webmgr.testing.ports import closed_port

pytestmark = pytest.mark.django_db


def ldap_check(*args) -> str:
    out = StringIO()
    call_command("ldap_check", *args, stdout=out)
    return out.getvalue()


def test_it_binds_and_shows_what_a_sign_in_would_bring(ldap_signin, ldap_directory):
    ldap_signin(superuser_group=f"cn=gwm-admins,ou=groups,{slapd.SUFFIX}")
    output = ldap_check("dora")
    assert f"Directory {ldap_directory.uri} (StartTLS: no): bound as {slapd.BIND_DN}" in output
    assert f"User dora: uid=dora,ou=people,{slapd.SUFFIX}" in output
    assert "  email = dora@gwm.test (mail)" in output
    assert "  groups mirrored into GWM: vm-operators\n" in output  # not 'Ops Team'
    assert "  superuser: no" in output
    assert "superuser: yes" in ldap_check("ed")
    assert not User.objects.exists()  # nothing was made in GWM


def test_it_names_a_local_account_of_that_name(ldap_signin):
    ldap_signin()
    User.objects.create_user("Dora", password="local-password-1")
    assert "Dora is a local account" in ldap_check("dora")


def test_it_says_what_is_wrong(ldap_signin):
    ldap_signin()
    with pytest.raises(CommandError, match="no user 'nobody' in the directory"):
        ldap_check("nobody")
    ldap_signin(bind_password="wrong-bind-password")
    with pytest.raises(CommandError, match="INVALID_CREDENTIALS") as caught:
        ldap_check()
    assert "wrong-bind-password" not in str(caught.value)
    ldap_signin(server_uri=f"ldap://127.0.0.1:{closed_port()}")
    with pytest.raises(CommandError, match="SERVER_DOWN Can't contact LDAP server"):
        ldap_check()


def test_it_says_when_ldap_is_off():
    with pytest.raises(CommandError, match=r"LDAP sign-in is off"):
        ldap_check()
