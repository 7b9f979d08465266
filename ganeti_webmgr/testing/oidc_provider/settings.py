"""The provider's Django settings (configured in the child process only)."""

from __future__ import annotations

PACKAGE = "ganeti_webmgr.testing.oidc_provider"


def settings(directory: str, issuer: str, private_key: str) -> dict:
    return {
        "DEBUG": False,
        "SECRET_KEY": "oidc-provider-for-tests-only",
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "ROOT_URLCONF": f"{PACKAGE}.urls",
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [f"{__file__.rsplit('/', 1)[0]}/templates"],
                "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
            }
        ],
        "DATABASES": {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{directory}/idp.sqlite3"}
        },
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "LOGIN_URL": "/login/",
        "USE_TZ": True,
        "OAUTH2_PROVIDER": {
            "OIDC_ENABLED": True,
            "OIDC_ISS_ENDPOINT": issuer,
            "OIDC_RSA_PRIVATE_KEY": private_key,
            "PKCE_REQUIRED": True,
            "OAUTH2_VALIDATOR_CLASS": f"{PACKAGE}.validator.Validator",
            "SCOPES": {
                "openid": "OpenID Connect",
                "profile": "Profile",
                "email": "E-mail",
                "groups": "Groups",
            },
        },
    }
