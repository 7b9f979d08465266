"""Django settings, derived from GWM's configuration (see ganeti_webmgr.conf).

Operators never edit this module: everything site-specific comes from
/etc/ganeti-webmgr/settings.conf, its drop-ins and GWM_* variables.
"""

from __future__ import annotations

from pathlib import Path

from ganeti_webmgr import conf
from ganeti_webmgr.conf import secret_key
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
    "ganeti_webmgr.quotas",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ganeti_webmgr.core.middleware.MethodNotAllowedPage",
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "AnonymousUser" row: anonymous visitors are never granted anything.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts-login"
SESSION_COOKIE_AGE = get("web", "session_age")

# --- behind a reverse proxy / mounted below the site root
_script_name = get("web", "script_name")
FORCE_SCRIPT_NAME = _script_name or None
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = _script_name or "/"
if get("web", "behind_tls_proxy"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

# --- internationalisation
LANGUAGE_CODE = get("web", "language")
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
    "loggers": {"django": {"level": "INFO", "propagate": True}},
}
if ADMINS:
    LOGGING["handlers"]["mail_admins"] = {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
        "filters": ["bounded"],
    }
    LOGGING["loggers"]["django.request"] = {"handlers": ["mail_admins"], "propagate": True}
