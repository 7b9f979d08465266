"""Django settings, derived from GWM's configuration (see ganeti_webmgr.conf).

Operators never edit this module: everything site-specific comes from
/etc/ganeti-webmgr/settings.conf, its drop-ins and GWM_* variables.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ganeti_webmgr import conf
from ganeti_webmgr.accounts import ldap_settings
from ganeti_webmgr.conf import languages, secret_key
from ganeti_webmgr.conf.private_files import make_private

CONFIG = conf.current()
get = CONFIG.get

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = secret_key.read(CONFIG.secret_key_file)
DEBUG = get("web", "debug")
ALLOWED_HOSTS = get("web", "allowed_hosts")
CSRF_TRUSTED_ORIGINS = get("web", "csrf_trusted_origins")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "django_htmx",
    "ganeti_webmgr.core",
    "ganeti_webmgr.accounts",
    "ganeti_webmgr.clusters",
    "ganeti_webmgr.nodes",
    "ganeti_webmgr.virtual_machines",
    "ganeti_webmgr.jobs",
    "ganeti_webmgr.permissions",
    "ganeti_webmgr.audit",
    "ganeti_webmgr.provisioning",
    "ganeti_webmgr.imports",
    "ganeti_webmgr.actions",
    "ganeti_webmgr.console",
    "ganeti_webmgr.search",
    "ganeti_webmgr.vmkeys",
    "ganeti_webmgr.quotas",
    "ganeti_webmgr.gwm011",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ganeti_webmgr.api",
    # Sign-in: single sign-on (OIDC) and a second factor (django-otp's devices).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ganeti_webmgr.two_factor",
    "ganeti_webmgr.sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language), then the one the user chose in their
    # profile, which the login put in the session.
    "django.middleware.locale.LocaleMiddleware",
    "ganeti_webmgr.accounts.language.ChosenLanguage",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ganeti_webmgr.core.middleware.MethodNotAllowedPage",
    "ganeti_webmgr.core.headers.SecurityHeaders",
    # Last, as axes wants: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ganeti_webmgr.urls"
WSGI_APPLICATION = "ganeti_webmgr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ganeti_webmgr.core.context_processors.gwm",
                "ganeti_webmgr.permissions.context_processors.nav",
            ],
        },
    },
]

# --- database
_ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgresql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
}
_engine = get("database", "engine")
_database = {
    "ENGINE": _ENGINES[_engine],
    "NAME": get("database", "name"),
    "CONN_MAX_AGE": get("database", "conn_max_age"),
    "CONN_HEALTH_CHECKS": True,
}
if _engine == "sqlite":
    make_private(_database["NAME"])
    _database["OPTIONS"] = {
        # WAL lets the web workers read while the worker writes; IMMEDIATE takes the
        # write lock at BEGIN, so concurrent writers wait instead of failing mid-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too, not Django's in-memory database: its shared cache answers
    # "table is locked" to threads at once instead of waiting, unlike the real thing.
    _database["TEST"] = {"NAME": f"{get('paths', 'data_dir')}/test_ganeti_webmgr.sqlite3"}
else:
    port = get("database", "port")
    _database.update(
        HOST=get("database", "host"),
        PORT=str(port) if port else "",
        USER=get("database", "user"),
        PASSWORD=CONFIG.database_password(),
    )
    if _engine == "mysql":
        _database["OPTIONS"] = {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
            # As PostgreSQL: each statement sees what committed before it. Under
            # REPEATABLE READ a quota check that waited for another's lock would
            # still read usage from before that other's commit.
            "isolation_level": "read committed",
        }
        _database["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication and sessions
# Django's hashers, then those reading the SHA1 and MD5 hashes of GWM 0.11's users,
# wrapped in PBKDF2 by gwm-manage import-gwm011 (upgraded at their next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedSHA1PasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedMD5PasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedUnsaltedSHA1PasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedUnsaltedMD5PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: a locked-out login is refused before any backend checks its password.
    "ganeti_webmgr.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Answers only single sign-on callbacks, and only when [oidc] enabled.
    "ganeti_webmgr.sso.backend.OidcBackend",
]
# No guardian "AnonymousUser" row: anonymous visitors are never granted anything.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts-login"
SESSION_COOKIE_AGE = get("web", "session_age")
# Password reset by e-mail (accounts/views/password_reset.py): only with an SMTP server.
PASSWORD_RESET_ENABLED = bool(get("email", "host"))
PASSWORD_RESET_TIMEOUT = get("password_reset", "timeout")
PASSWORD_RESET_MIN_INTERVAL = get("password_reset", "min_interval")
# Sign-in through LDAP (accounts/ldap_settings.py): AUTH_LDAP_* and the backend, tried
# after local accounts. Enabled but off (the ganeti-webmgr-ldap package missing, or no
# server_uri yet): every process logs LDAP_STATE at start (accounts/apps.py).
LDAP_STATE = ldap_settings.state(CONFIG)
if LDAP_STATE.on:
    globals().update(ldap_settings.django_settings(CONFIG))
    AUTHENTICATION_BACKENDS.insert(
        AUTHENTICATION_BACKENDS.index("django.contrib.auth.backends.ModelBackend") + 1,
        ldap_settings.BACKEND,
    )

# --- login lockout (django-axes; accounts/lockout.py, docs/authentication.rst)
_LOCKOUT_PARAMETERS = {
    "user_and_ip": ["username", "ip_address"],
    "user": "username",
    "ip": "ip_address",
}
AXES_FAILURE_LIMIT = get("login", "failures_before_lockout")
AXES_COOLOFF_TIME = timedelta(minutes=get("login", "lockout_minutes"))
AXES_LOCKOUT_PARAMETERS = [_LOCKOUT_PARAMETERS[n] for n in get("login", "lock_out_by")] or [
    "ip_address"
]
AXES_LOCK_OUT_AT_FAILURE = bool(get("login", "lock_out_by"))
AXES_RESET_ON_SUCCESS = True
# The audit log records logins (audit/signals.py); axes keeps only the counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_CLIENT_IP_CALLABLE = "ganeti_webmgr.audit.api.client_ip"
AXES_USERNAME_CALLABLE = "ganeti_webmgr.accounts.lockout.known_username"
AXES_LOCKOUT_CALLABLE = "ganeti_webmgr.accounts.lockout.refused"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address", "csrfmiddlewaretoken"]

# --- behind a reverse proxy / mounted below the site root
_script_name = get("web", "script_name")
FORCE_SCRIPT_NAME = _script_name or None
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = _script_name or "/"
if get("web", "behind_tls_proxy"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = get("web", "hsts_seconds")
# includeSubDomains and preload bind every host of the domain, which is not GWM's to
# decide: check --deploy's reminders of them are silenced (docs/security.rst).
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# --- internationalisation
LANGUAGE_CODE = get("web", "language")
LANGUAGES = languages.LANGUAGES
TIME_ZONE = get("web", "time_zone")
USE_I18N = True
USE_TZ = True

# --- static files: collected by gwm-init/gwm-update, served by WhiteNoise
STATIC_URL = f"{_script_name}/static/"
STATIC_ROOT = get("paths", "static_root")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- e-mail
if get("email", "host"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = get("email", "host")
    EMAIL_PORT = get("email", "port")
    EMAIL_HOST_USER = get("email", "user")
    EMAIL_HOST_PASSWORD = get("email", "password")
    EMAIL_USE_TLS = get("email", "security") == "starttls"
    EMAIL_USE_SSL = get("email", "security") == "tls"
else:
    # No SMTP server configured: drop mail rather than fail the request that sends it.
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = get("email", "from_address")
ADMINS = [(address, address) for address in get("email", "admins")]
EMAIL_SUBJECT_PREFIX = "[Ganeti Web Manager] "

# --- logging
# Every line bounded in size, whatever values it carries (core/logs.py).
_handler = {
    "formatter": "plain",
    "level": get("logging", "level").upper(),
    "filters": ["bounded"],
}
if get("paths", "log_file"):
    make_private(get("paths", "log_file"))
    # Watched: logrotate may move the file away under us.
    _handler.update(
        {"class": "logging.handlers.WatchedFileHandler", "filename": get("paths", "log_file")}
    )
else:
    _handler["class"] = "logging.StreamHandler"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"bounded": {"()": "ganeti_webmgr.core.logs.TruncatingFilter"}},
    "handlers": {"main": _handler},
    "root": {"handlers": ["main"], "level": get("logging", "level").upper()},
    "loggers": {
        "django": {"level": "INFO", "propagate": True},
        # axes says INFO of every login; lockouts are its warnings.
        "axes": {"level": "WARNING", "propagate": True},
    },
}
if ADMINS:
    LOGGING["handlers"]["mail_admins"] = {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
        "filters": ["bounded"],
    }
    LOGGING["loggers"]["django.request"] = {"handlers": ["mail_admins"], "propagate": True}

# The REST API (ganeti_webmgr.api, docs/api.rst).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ganeti_webmgr.api.authentication.TokenAuthentication",
        # The web UI's own calls; DRF checks their CSRF token on writes.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ganeti_webmgr.api.access.SignedIn"],
    "DEFAULT_THROTTLE_CLASSES": ["ganeti_webmgr.api.throttling.PerToken"],
    "DEFAULT_PAGINATION_CLASS": "ganeti_webmgr.api.pagination.Cursor",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "ganeti_webmgr.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ganeti_webmgr.api.errors.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ganeti Web Manager API",
    "DESCRIPTION": "GWM's clusters, nodes, VMs, jobs, users and permissions; see docs/api.rst.",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Fields named "kind" with different choices: each set its own enum.
    "ENUM_NAME_OVERRIDES": {
        "HolderKindEnum": "ganeti_webmgr.api.serializers.records.HOLDER_KINDS",
        "ConsoleKindEnum": "ganeti_webmgr.api.serializers.records.CONSOLE_KINDS",
    },
}
