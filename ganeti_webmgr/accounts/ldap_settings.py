"""The Django settings of LDAP sign-in (django-auth-ldap's AUTH_LDAP_*), from [ldap].

ganeti_webmgr.settings asks state() whether LDAP sign-in is on and calls
django_settings() only then, so sites without LDAP never import python-ldap (the base
packages do not ship it: the ganeti-webmgr-ldap package does, see conf/features.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ganeti_webmgr.conf import Config, ConfigError
from ganeti_webmgr.conf.features import LDAP

BACKEND = "ganeti_webmgr.accounts.ldap_backend.LDAPBackend"
GROUP_FILTERS = {
    "posixGroup": "(objectClass=posixGroup)",
    "groupOfNames": "(objectClass=groupOfNames)",
}


@dataclass(frozen=True)
class State:
    on: bool
    text: str  # one line: on or off, and why (gwm-init --check, the log, ldap_check)
    enabled: bool = True  # [ldap] enabled: on, or off for a reason to tell the admin


def state(config: Config) -> State:
    """Whether LDAP sign-in is on. [ldap] enabled turns it on once the ganeti-webmgr-ldap
    package is installed and server_uri is set; until then, or once the package is
    removed (its drop-in, a conffile, stays), it is off and the site works without it."""
    if not config.get("ldap", "enabled"):
        return State(False, "off ([ldap] enabled = false)", enabled=False)
    where = f"{config.source('ldap', 'enabled')}: [ldap] enabled = true"
    if problem := LDAP.missing():
        return State(False, f"off: {where}, but {problem}")
    if not config.get("ldap", "server_uri"):
        return State(
            False,
            f"off: {where}, but [ldap] server_uri is not set yet: fill in the directory's "
            "settings (docs: Signing in with LDAP)",
        )
    return State(True, f"on: {config.get('ldap', 'server_uri')}")


def django_settings(config: Config) -> dict[str, object]:
    try:
        import ldap
        from django_auth_ldap.config import LDAPSearch

        from ganeti_webmgr.accounts.ldap_groups import GroupsOfNames, PosixGroups
    except ImportError:
        raise ConfigError([f"{config.source('ldap', 'enabled')}: {LDAP.missing()}"]) from None
    get = config.get
    timeout = get("ldap", "timeout")
    # Certificates are always verified; NEWCTX (last) makes the TLS options take effect.
    options: dict[int, object] = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_REFERRALS: 0,
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
    }
    if get("ldap", "ca_file"):
        options[ldap.OPT_X_TLS_CACERTFILE] = get("ldap", "ca_file")
    options[ldap.OPT_X_TLS_NEWCTX] = 0
    values: dict[str, object] = {
        "AUTH_LDAP_SERVER_URI": get("ldap", "server_uri"),
        "AUTH_LDAP_START_TLS": get("ldap", "start_tls"),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_BIND_DN": get("ldap", "bind_dn"),
        "AUTH_LDAP_BIND_PASSWORD": config.ldap_bind_password(),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            get("ldap", "user_search_base"), ldap.SCOPE_SUBTREE, get("ldap", "user_filter")
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": get("ldap", "attr_first_name"),
            "last_name": get("ldap", "attr_last_name"),
            "email": get("ldap", "attr_email"),
        },
        # Names, e-mail, flags and groups follow the directory at every sign-in.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "AUTH_LDAP_MIRROR_GROUPS": False,
    }
    if get("ldap", "group_search_base"):
        group_type = get("ldap", "group_type")
        values["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            get("ldap", "group_search_base"), ldap.SCOPE_SUBTREE, GROUP_FILTERS[group_type]
        )
        values["AUTH_LDAP_GROUP_TYPE"] = (
            PosixGroups() if group_type == "posixGroup" else GroupsOfNames()
        )
        mirror = get("ldap", "mirror_groups")
        values["AUTH_LDAP_MIRROR_GROUPS"] = True if mirror == ["all"] else (mirror or False)
        if get("ldap", "require_group"):
            values["AUTH_LDAP_REQUIRE_GROUP"] = get("ldap", "require_group")
        if get("ldap", "superuser_group"):
            superusers = get("ldap", "superuser_group")
            values["AUTH_LDAP_USER_FLAGS_BY_GROUP"] = {"is_superuser": superusers}
    return values
