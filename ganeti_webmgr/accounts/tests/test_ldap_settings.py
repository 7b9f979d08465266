"""[ldap] in settings.conf: checked when loaded, turned into django-auth-ldap's settings."""

import os
import subprocess
import sys

import ldap
import pytest

from ganeti_webmgr.accounts import ldap_settings
from ganeti_webmgr.accounts.ldap_groups import GroupsOfNames, PosixGroups
from ganeti_webmgr.accounts.ldap_settings import django_settings
from ganeti_webmgr.conf import ConfigError, load, secret_key

BASE = (
    "[ldap]\nenabled = true\nserver_uri = ldap://ldap.example.org\n"
    "user_search_base = ou=people,dc=example,dc=org\n"
)


def load_text(tmp_path, text):
    (tmp_path / "settings.conf").write_text(text)
    return load(tmp_path, environ={})


def problems(tmp_path, text) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text)
    return caught.value.problems


def test_it_turns_the_section_into_django_auth_ldap_settings(tmp_path):
    (tmp_path / "bind-password").write_text("from-a-file\n")
    values = django_settings(
        load_text(
            tmp_path,
            BASE + f"bind_dn = cn=gwm,dc=example,dc=org\nbind_password_file = {tmp_path}"
            "/bind-password\nstart_tls = true\nca_file = /etc/ssl/ldap-ca.pem\n"
            "group_search_base = ou=groups,dc=example,dc=org\ngroup_type = groupOfNames\n"
            "mirror_groups = ops, devs\nsuperuser_group = cn=admins,ou=groups,dc=example,dc=org\n"
            "attr_email = userPrincipalName\n",
        )
    )
    assert values["AUTH_LDAP_SERVER_URI"] == "ldap://ldap.example.org"
    assert values["AUTH_LDAP_BIND_PASSWORD"] == "from-a-file"
    assert values["AUTH_LDAP_START_TLS"] is True
    options = values["AUTH_LDAP_CONNECTION_OPTIONS"]
    assert options[ldap.OPT_X_TLS_CACERTFILE] == "/etc/ssl/ldap-ca.pem"
    assert options[ldap.OPT_X_TLS_REQUIRE_CERT] == ldap.OPT_X_TLS_DEMAND
    assert list(options)[-1] == ldap.OPT_X_TLS_NEWCTX  # applies the TLS options set before it
    assert values["AUTH_LDAP_USER_SEARCH"].filterstr == "(uid=%(user)s)"
    assert values["AUTH_LDAP_USER_ATTR_MAP"]["email"] == "userPrincipalName"
    assert isinstance(values["AUTH_LDAP_GROUP_TYPE"], GroupsOfNames)
    assert values["AUTH_LDAP_MIRROR_GROUPS"] == ["ops", "devs"]
    assert values["AUTH_LDAP_USER_FLAGS_BY_GROUP"] == {
        "is_superuser": "cn=admins,ou=groups,dc=example,dc=org"
    }


def test_it_mirrors_all_groups_by_default_and_none_without_a_group_base(tmp_path):
    values = django_settings(load_text(tmp_path, BASE + "group_search_base = ou=g,dc=x\n"))
    assert values["AUTH_LDAP_MIRROR_GROUPS"] is True
    assert isinstance(values["AUTH_LDAP_GROUP_TYPE"], PosixGroups)
    values = django_settings(load_text(tmp_path, BASE))
    assert values["AUTH_LDAP_MIRROR_GROUPS"] is False
    assert "AUTH_LDAP_GROUP_SEARCH" not in values


def test_it_needs_a_user_search_base_once_a_server_is_set(tmp_path):
    found = problems(tmp_path, "[ldap]\nenabled = true\nserver_uri = ldap://ldap.example.org\n")
    assert found == [
        f"{tmp_path}/settings.conf:3: [ldap] server_uri: needs [ldap] user_search_base"
    ]


def test_it_is_off_until_a_server_is_set(tmp_path):
    """What the ganeti-webmgr-ldap package's drop-in gives before the admin fills it in:
    a valid configuration, LDAP sign-in off, and a line saying where and why."""
    state = ldap_settings.state(load_text(tmp_path, "[ldap]\nenabled = true\n"))
    assert not state.on and state.enabled
    assert state.text == (
        f"off: {tmp_path}/settings.conf:2: [ldap] enabled = true, but [ldap] server_uri is "
        "not set yet: fill in the directory's settings (docs: Signing in with LDAP)"
    )
    state = ldap_settings.state(load_text(tmp_path, BASE))
    assert state.on and state.text == "on: ldap://ldap.example.org"
    state = ldap_settings.state(load_text(tmp_path, ""))
    assert (state.on, state.enabled, state.text) == (False, False, "off ([ldap] enabled = false)")


def test_it_refuses_group_rules_without_groups_and_all_with_names(tmp_path):
    found = problems(
        tmp_path, BASE + "mirror_groups = all, ops\nsuperuser_group = cn=admins,dc=x\n"
    )
    assert len(found) == 2
    assert "[ldap] mirror_groups: 'all' cannot be combined with group names" in found[0]
    assert "[ldap] superuser_group: needs [ldap] group_search_base" in found[1]


def test_it_never_shows_the_bind_password(tmp_path):
    found = problems(tmp_path, BASE + "bind_password = hunter2-ldap\nbind_password_file = /x\n")
    assert "set either bind_password" in found[0]
    assert "hunter2" not in "\n".join(found)


def test_it_is_off_and_names_the_package_when_the_libraries_are_missing(tmp_path, monkeypatch):
    """LDAP on where python-ldap cannot be imported (the base packages, or the
    ganeti-webmgr-ldap package removed with its drop-in kept): off, naming the package."""
    config = load_text(tmp_path, BASE)
    monkeypatch.setitem(sys.modules, "ldap", None)  # makes `import ldap` fail
    state = ldap_settings.state(config)
    assert not state.on
    assert state.text.startswith(f"off: {tmp_path}/settings.conf:2: [ldap] enabled = true, ")
    assert "but python-ldap and django-auth-ldap are not installed (" in state.text
    assert state.text.endswith(
        "install the ganeti-webmgr-ldap package (in a checkout: make dev-venv)"
    )
    with pytest.raises(ConfigError, match="install the ganeti-webmgr-ldap package"):
        django_settings(config)


def test_a_site_without_the_libraries_starts_without_ldap_and_says_so(tmp_path):
    """settings.py and django.setup() with [ldap] enabled and python-ldap missing: no LDAP
    backend, one warning in the log (a fresh interpreter: settings load once)."""
    (tmp_path / "settings.conf").write_text(f"[paths]\ndata_dir = {tmp_path}\n" + BASE)
    secret_key.create(tmp_path / "secret_key")
    code = (
        "import sys\nsys.modules['ldap'] = None\nimport django\n"
        "from django.conf import settings\ndjango.setup()\n"
        "print(settings.LDAP_STATE.on, ldap_settings.BACKEND in settings.AUTHENTICATION_BACKENDS)\n"
    ).replace("ldap_settings.BACKEND", repr(ldap_settings.BACKEND))
    environ = {
        **os.environ,
        "GWM_CONFIG_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ganeti_webmgr.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ
    )
    assert done.stdout == "False False\n"
    assert "WARNING ganeti_webmgr.accounts.apps: LDAP sign-in is off: " in done.stderr
    assert "install the ganeti-webmgr-ldap package" in done.stderr


def test_settings_py_adds_the_backend_after_local_accounts(tmp_path):
    """What a site with [ldap] enabled runs (a fresh interpreter: settings load once)."""
    (tmp_path / "settings.conf").write_text(f"[paths]\ndata_dir = {tmp_path}\n" + BASE)
    secret_key.create(tmp_path / "secret_key")
    code = (
        "from ganeti_webmgr import settings as s\n"
        "print(s.AUTHENTICATION_BACKENDS)\nprint(s.AUTH_LDAP_SERVER_URI)\n"
    )
    environ = {**os.environ, "GWM_CONFIG_DIR": str(tmp_path)}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ
    ).stdout.splitlines()
    assert output == [
        "['ganeti_webmgr.accounts.lockout.LockoutBackend', "
        "'django.contrib.auth.backends.ModelBackend', "
        "'ganeti_webmgr.accounts.ldap_backend.LDAPBackend', "
        "'guardian.backends.ObjectPermissionBackend', "
        "'ganeti_webmgr.sso.backend.OidcBackend']",
        "ldap://ldap.example.org",
    ]
