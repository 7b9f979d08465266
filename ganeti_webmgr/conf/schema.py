"""Every configuration key GWM reads, declared once.

The loader validates against this list, `make config-files` renders the shipped
etc/ganeti-webmgr/settings.conf and docs/configuration-reference.rst from it, and
tests fail when either file drifts from it. Add a key here, then run
`make config-files`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ganeti_webmgr.conf import types as t


@dataclass(frozen=True)
class Derived:
    """A default computed from other keys once all sources are read."""

    compute: Callable[[Callable[[str, str], object]], object]
    text: str  # how the shipped file and the docs describe it


@dataclass(frozen=True)
class Key:
    section: str
    name: str
    type: t.ValueType
    default: object
    help: str
    secret: bool = False

    @property
    def env_var(self) -> str:
        return f"GWM_{self.section}_{self.name}".upper()


SECTIONS = {
    "database": "Where GWM keeps its data. SQLite needs no server and suits most sites.",
    "server": "The gwm-server process (gunicorn).",
    "web": "How GWM is reached by browsers.",
    "paths": "Files and directories.",
    "logging": "Log messages (by default to standard error, i.e. the systemd journal).",
    "email": "Outgoing e-mail (password resets, error reports).",
    "worker": "gwm-worker, which keeps GWM's copy of each cluster's state up to date and "
    "follows the Ganeti jobs started from GWM.",
    "audit": "The audit log of who did what (see the audit log chapter of the documentation).",
    "console": "VM consoles in the browser (VNC and serial), through gwm-server's proxy.",
    "password_reset": "Forgotten passwords, reset through a link sent by e-mail (needs "
    "[email] host). Accounts signed in through LDAP are reset in the directory, not here.",
    "ldap": "Sign-in with the accounts and groups of an LDAP directory (needs the "
    "ganeti-webmgr-ldap package, whose drop-in settings.d/50-ldap.conf turns it on; in a "
    "checkout, make dev-venv; see the LDAP chapter of the documentation).",
    "oidc": "Single sign-on with an OpenID Connect provider (Keycloak, Authentik, Dex, ...); "
    "see the single sign-on chapter of the documentation.",
    "two_factor": "Two-factor sign-in with an authenticator app (TOTP) and recovery codes; "
    "see the two-factor chapter of the documentation.",
    "api": "The REST API (/api/v1/) for scripts and other front ends: tokens and limits "
    "(see the REST API chapter of the documentation).",
    "login": "Logging in: how repeated wrong passwords lock a login out (see the "
    "authentication chapter of the documentation).",
}


def _sqlite_or(default: str):
    def compute(get):
        if get("database", "engine") == "sqlite":
            return f"{get('paths', 'data_dir')}/ganeti_webmgr.sqlite3"
        return default

    return compute


KEYS: list[Key] = [
    # --- database
    Key(
        "database",
        "engine",
        t.Choice("sqlite", "postgresql", "mysql"),
        "sqlite",
        "Database engine: sqlite (embedded, a file in the data directory), postgresql "
        "or mysql (MariaDB or MySQL).",
    ),
    Key(
        "database",
        "name",
        t.String(),
        Derived(
            _sqlite_or("ganeti_webmgr"),
            "<data_dir>/ganeti_webmgr.sqlite3 for sqlite, else ganeti_webmgr",
        ),
        "SQLite: path of the database file. PostgreSQL/MySQL: database name.",
    ),
    Key(
        "database",
        "host",
        t.String(),
        "",
        "Server host name or address; empty means the local socket. Not used by sqlite.",
    ),
    Key(
        "database",
        "port",
        t.Integer(1, 65535, optional=True),
        None,
        "Server port; empty means the engine's default (5432, 3306).",
    ),
    Key("database", "user", t.String(), "", "User name for the database server."),
    Key(
        "database",
        "password",
        t.String(),
        "",
        "Password for the database server. Prefer password_file, or keep this file "
        "readable only by root and the gwm group.",
        secret=True,
    ),
    Key(
        "database",
        "password_file",
        t.Path(optional=True),
        "",
        "Read the database password from this file instead (first line).",
    ),
    Key(
        "database",
        "conn_max_age",
        t.Integer(0),
        60,
        "Seconds to keep a database connection open for reuse; 0 closes it after each request.",
    ),
    # --- server
    Key(
        "server",
        "bind",
        t.Bind(),
        "127.0.0.1:8000",
        "Address gwm-server listens on: host:port, [v6addr]:port or unix:/path. "
        "Put a TLS-terminating web server (nginx, Apache) in front.",
    ),
    Key(
        "server",
        "workers",
        t.Integer(1, 64),
        3,
        "Number of worker processes; about two per CPU core.",
    ),
    Key(
        "server",
        "threads",
        t.Integer(1, 256),
        2,
        "Pages each worker process serves at a time (threads). Pages are mostly "
        "Python work, so more threads mainly queue for the interpreter lock; raise "
        "it if pages wait on slow clusters. Websockets (the console) do not take a "
        "thread.",
    ),
    Key(
        "server",
        "timeout",
        t.Integer(1, 3600),
        60,
        "Seconds a worker process may go without answering gunicorn's heartbeat "
        "before it is restarted.",
    ),
    # --- web
    Key(
        "web",
        "allowed_hosts",
        t.List(),
        ["localhost", "127.0.0.1", "[::1]"],
        "Host names this site answers to (Django's ALLOWED_HOSTS); add the name "
        "users type in their browser.",
    ),
    Key(
        "web",
        "script_name",
        t.UrlPrefix(),
        "",
        "URL path GWM is served under when not at the site root, e.g. /gwm.",
    ),
    Key(
        "web",
        "behind_tls_proxy",
        t.Boolean(),
        False,
        "True when a reverse proxy terminates HTTPS and sets X-Forwarded-Proto; cookies "
        "are then marked secure, HTTP is redirected to HTTPS, browsers are told to use "
        "HTTPS only (hsts_seconds) and a client's address is read from the last "
        "X-Forwarded-For address, the one the proxy added.",
    ),
    Key(
        "web",
        "hsts_seconds",
        t.Integer(0, 10 * 365 * 86400),
        365 * 86400,
        "With behind_tls_proxy: seconds browsers keep to HTTPS for this host after a visit "
        "(Strict-Transport-Security); 0 sends no such header. Not sent without "
        "behind_tls_proxy.",
    ),
    Key(
        "web",
        "csrf_trusted_origins",
        t.List(t.Origin()),
        [],
        "Extra origins allowed to POST forms, e.g. https://gwm.example.org when the "
        "proxy's public name differs from the host GWM sees.",
    ),
    Key("web", "time_zone", t.TimeZone(), "UTC", "Time zone in which times are shown."),
    Key(
        "web",
        "language",
        t.LanguageCode(),
        "en-us",
        "Language of the interface for users who chose none in their profile and whose "
        "browser asks for none GWM has: en-us or de.",
    ),
    Key("web", "session_age", t.Integer(300), 43200, "Seconds a login lasts (default 12 hours)."),
    Key(
        "web",
        "debug",
        t.Boolean(),
        False,
        "Show tracebacks in the browser. Never on a production site: it reveals settings and data.",
    ),
    # --- paths
    Key(
        "paths",
        "data_dir",
        t.Path(),
        "/var/lib/ganeti-webmgr",
        "Directory for the SQLite database, collected static files and other state.",
    ),
    Key(
        "paths",
        "static_root",
        t.Path(),
        Derived(lambda get: f"{get('paths', 'data_dir')}/static", "<data_dir>/static"),
        "Where gwm-init and gwm-update collect static files (CSS, JavaScript, images).",
    ),
    Key(
        "paths",
        "log_file",
        t.Path(optional=True),
        "",
        "Write the log to this file; empty means standard error (the systemd journal).",
    ),
    # --- logging
    Key(
        "logging",
        "level",
        t.LogLevel(),
        "info",
        "Least severe messages logged: debug, info, warning or error.",
    ),
    # --- email
    Key("email", "host", t.String(), "", "SMTP server; empty disables outgoing e-mail."),
    Key("email", "port", t.Integer(1, 65535), 25, "SMTP port."),
    Key("email", "user", t.String(), "", "SMTP user name, if the server wants one."),
    Key("email", "password", t.String(), "", "SMTP password.", secret=True),
    Key(
        "email",
        "security",
        t.Choice("none", "starttls", "tls"),
        "none",
        "Encryption to the SMTP server: none, starttls or tls (implicit TLS, port 465).",
    ),
    Key(
        "email",
        "from_address",
        t.Email(),
        "ganeti-webmgr@localhost",
        "Sender address of mails GWM sends.",
    ),
    Key(
        "email", "admins", t.List(t.Email()), [], "Addresses that receive reports of server errors."
    ),
]

KEYS += [
    Key(
        "worker",
        "sync_interval",
        t.Integer(5, 86400),
        60,
        "Seconds between two syncs of a cluster (Ganeti's hook script, if installed, "
        "asks for a sync sooner).",
    ),
    Key(
        "worker",
        "max_backoff",
        t.Integer(5, 86400),
        900,
        "Longest wait, in seconds, before retrying a cluster whose syncs keep failing "
        "(the wait doubles after each failure).",
    ),
    Key(
        "worker",
        "sync_threads",
        t.Integer(1, 64),
        4,
        "Clusters synced at the same time by one gwm-worker process.",
    ),
    Key(
        "worker",
        "job_threads",
        t.Integer(1, 64),
        4,
        "Threads per cluster, in one gwm-worker process, that submit requests, read back "
        "what ended jobs changed and send cancels; each cluster also has one thread that "
        "follows all its jobs. A cluster that hangs holds no more than these.",
    ),
]

KEYS += [
    Key(
        "audit",
        "retention_days",
        t.Integer(0),
        365,
        "Days audit log entries are kept; 0 keeps them forever. gwm-worker deletes older "
        "entries once a day; gwm-manage audit_prune does it at once.",
    ),
]
KEYS += [
    Key(
        "console",
        "idle_minutes",
        t.Integer(1, 24 * 60),
        30,
        "Minutes without a key press or mouse move after which a console session is closed.",
    ),
    Key(
        "console",
        "max_hours",
        t.Integer(1, 7 * 24),
        8,
        "Hours after which a console session is closed, busy or not.",
    ),
    Key(
        "console",
        "sessions_per_user",
        t.Integer(1, 100),
        4,
        "Console sessions one user may have open at once.",
    ),
]

KEYS += [
    Key(
        "password_reset",
        "timeout",
        t.Integer(300, 7 * 86400),
        3600,
        "Seconds a password reset link stays valid (Django's PASSWORD_RESET_TIMEOUT). A "
        "link also stops working once it has been used, or the password changed otherwise.",
    ),
    Key(
        "password_reset",
        "min_interval",
        t.Integer(0, 86400),
        300,
        "Seconds before another reset mail is sent to the same account; requests in "
        "between get the usual answer and send nothing. 0: no limit.",
    ),
]
KEYS += [
    Key(
        "ldap",
        "enabled",
        t.Boolean(),
        False,
        "Sign users in with the LDAP directory, once server_uri is set and the "
        "ganeti-webmgr-ldap package is installed; until then LDAP sign-in is off, and "
        "gwm-init --check and the log say why.",
    ),
    Key(
        "ldap",
        "server_uri",
        t.String(),
        "",
        "The directory's address, e.g. ldap://ldap.example.org or ldaps://ldap.example.org "
        "(several: separated by spaces, tried in turn).",
    ),
    Key(
        "ldap",
        "start_tls",
        t.Boolean(),
        False,
        "Switch an ldap:// connection to TLS (StartTLS) before binding; sign-in fails if "
        "the server cannot. Not needed with ldaps://.",
    ),
    Key(
        "ldap",
        "ca_file",
        t.Path(optional=True),
        "",
        "CA certificates (PEM) the server's certificate must chain to; empty: the "
        "system's. Certificates are always checked.",
    ),
    Key(
        "ldap",
        "timeout",
        t.Integer(1, 120),
        5,
        "Seconds to wait for the directory before a sign-in fails with 'the directory "
        "cannot be reached' (local accounts still sign in).",
    ),
    Key(
        "ldap",
        "bind_dn",
        t.String(),
        "",
        "DN GWM binds as to search for users and groups; empty: an anonymous bind.",
    ),
    Key(
        "ldap",
        "bind_password",
        t.String(),
        "",
        "Password of bind_dn. Prefer bind_password_file, or keep this file readable only "
        "by root and the gwm group.",
        secret=True,
    ),
    Key(
        "ldap",
        "bind_password_file",
        t.Path(optional=True),
        "",
        "Read the bind password from this file instead (first line).",
    ),
    Key(
        "ldap",
        "user_search_base",
        t.String(),
        "",
        "Where users are searched, e.g. ou=people,dc=example,dc=org.",
    ),
    Key(
        "ldap",
        "user_filter",
        t.String(),
        "(uid=%(user)s)",
        "Filter that finds a user by the name typed at sign-in (%(user)s); e.g. "
        "(sAMAccountName=%(user)s) for Active Directory.",
    ),
    Key(
        "ldap",
        "group_search_base",
        t.String(),
        "",
        "Where groups are searched, e.g. ou=groups,dc=example,dc=org; empty: groups are "
        "not read (and not mirrored).",
    ),
    Key(
        "ldap",
        "group_type",
        t.Choice("posixGroup", "groupOfNames"),
        "posixGroup",
        "How groups list their members: posixGroup (memberUid) or groupOfNames (member DNs).",
    ),
    Key(
        "ldap",
        "mirror_groups",
        t.List(),
        ["all"],
        "LDAP groups mirrored into GWM groups at each sign-in (membership added and "
        "removed), so that grants to them apply: 'all', or a list of group names (other "
        "GWM groups are then left alone); empty: none. With 'all', a user's membership "
        "of GWM-only groups is removed at sign-in.",
    ),
    Key(
        "ldap",
        "require_group",
        t.String(),
        "",
        "DN of a group whose members alone may sign in; empty: any user found.",
    ),
    Key(
        "ldap",
        "superuser_group",
        t.String(),
        "",
        "DN of a group whose members are GWM superusers (set or cleared at each sign-in); "
        "empty: LDAP makes no superusers.",
    ),
    Key("ldap", "attr_first_name", t.String(), "givenName", "Attribute of the first name."),
    Key("ldap", "attr_last_name", t.String(), "sn", "Attribute of the last name."),
    Key("ldap", "attr_email", t.String(), "mail", "Attribute of the e-mail address."),
]
KEYS += [
    Key(
        "login",
        "failures_before_lockout",
        t.Integer(1, 1000),
        5,
        "Wrong passwords after which further logins are refused, even with the right "
        "password, until lockout_minutes have passed or gwm-manage unlock is run.",
    ),
    Key(
        "login",
        "lockout_minutes",
        t.Integer(1, 7 * 24 * 60),
        15,
        "Minutes a lockout lasts; each refused login starts them again. Failures older "
        "than this are forgotten.",
    ),
    Key(
        "login",
        "lock_out_by",
        t.List(t.Choice("user_and_ip", "user", "ip")),
        ["user_and_ip"],
        "What failures are counted for: user_and_ip (one user name from one address; "
        "all unknown user names from an address count together), user (a user name from "
        "anywhere: stops guessing from many addresses, but lets anyone lock a user out), "
        "ip (an address, whatever the user names: locks out everyone behind a shared "
        "address). Several may be given; empty turns lockout off.",
    ),
]

KEYS += [
    Key("oidc", "enabled", t.Boolean(), False, "Offer single sign-on on the login page."),
    Key(
        "oidc",
        "issuer",
        t.Url(optional=True),
        "",
        "The provider's issuer URL, e.g. https://sso.example.org/realms/main. Its "
        "endpoints are read from <issuer>/.well-known/openid-configuration when first "
        "needed, and ID tokens from another issuer are refused.",
    ),
    Key(
        "oidc",
        "authorization_endpoint",
        t.Url(optional=True),
        "",
        "Overrides the discovered authorization endpoint.",
    ),
    Key(
        "oidc",
        "token_endpoint",
        t.Url(optional=True),
        "",
        "Overrides the discovered token endpoint.",
    ),
    Key(
        "oidc",
        "userinfo_endpoint",
        t.Url(optional=True),
        "",
        "Overrides the discovered userinfo endpoint.",
    ),
    Key(
        "oidc",
        "jwks_uri",
        t.Url(optional=True),
        "",
        "Overrides the discovered URL of the provider's signing keys (JWKS).",
    ),
    Key("oidc", "client_id", t.String(), "", "The client ID GWM is registered with."),
    Key(
        "oidc",
        "client_secret",
        t.String(),
        "",
        "The client's secret. Prefer client_secret_file, or keep this file readable only "
        "by root and the gwm group.",
        secret=True,
    ),
    Key(
        "oidc",
        "client_secret_file",
        t.Path(optional=True),
        "",
        "Read the client secret from this file instead (first line).",
    ),
    Key(
        "oidc",
        "sign_algorithm",
        t.Choice("RS256", "ES256"),
        "RS256",
        "The algorithm the provider signs ID tokens with.",
    ),
    Key(
        "oidc",
        "scopes",
        t.List(),
        ["openid", "email", "profile"],
        "Scopes asked for; openid is always added. Keycloak sends groups with a "
        "'groups' client scope or mapper.",
    ),
    Key(
        "oidc",
        "username_claim",
        t.String(),
        "preferred_username",
        "The claim that gives the GWM user name (matched to existing users).",
    ),
    Key(
        "oidc",
        "groups_claim",
        t.String(),
        "groups",
        "The claim listing the user's groups at the provider (leading slashes, as "
        "Keycloak's full group paths have, are dropped).",
    ),
    Key(
        "oidc",
        "mirrored_groups",
        t.List(),
        [],
        "GWM groups whose membership follows the provider: at each sign-in the user is "
        "added to those the groups claim lists and removed from the others. Missing "
        "groups are created. Groups not named here are never touched.",
    ),
    Key(
        "oidc",
        "create_users",
        t.Boolean(),
        True,
        "Create a GWM user at a person's first sign-in; false admits only existing users.",
    ),
    Key(
        "oidc",
        "button_label",
        t.String(),
        "single sign-on",
        "Shown on the login page as 'Sign in with <label>'.",
    ),
    Key("oidc", "verify_tls", t.Boolean(), True, "Check the provider's TLS certificate."),
    Key(
        "oidc",
        "ca_file",
        t.Path(optional=True),
        "",
        "CA certificates (PEM) to check the provider's certificate with, instead of the system's.",
    ),
    Key(
        "oidc",
        "timeout",
        t.Integer(1, 120),
        10,
        "Seconds to wait for the provider's answers.",
    ),
]
KEYS += [
    Key(
        "two_factor",
        "required_for_superusers",
        t.Boolean(),
        False,
        "Superusers must use a second factor; one without a device is sent to enrol "
        "right after the password.",
    ),
    Key(
        "two_factor",
        "required_groups",
        t.List(),
        [],
        "Members of these GWM groups must use a second factor.",
    ),
    Key(
        "two_factor",
        "apply_to_sso",
        t.Boolean(),
        False,
        "Ask for GWM's second factor after single sign-on too; by default the provider "
        "is trusted to have done its own.",
    ),
    Key(
        "two_factor",
        "issuer_name",
        t.String(),
        "Ganeti Web Manager",
        "The name authenticator apps show beside the user name.",
    ),
]
KEYS += [
    Key(
        "api",
        "token_rate",
        t.Integer(0, 1_000_000),
        600,
        "Requests per minute one API token may make; beyond it the API answers 429 with "
        "Retry-After. 0: no limit.",
    ),
    Key(
        "api",
        "max_token_days",
        t.Integer(0, 100 * 366),
        365,
        "Days a new API token may be valid at most (a token asked for without an expiry "
        "gets this one). 0: tokens may have no expiry.",
    ),
]

BY_NAME: dict[tuple[str, str], Key] = {(k.section, k.name): k for k in KEYS}
assert set(SECTIONS) == {k.section for k in KEYS}, "every section needs a description"
