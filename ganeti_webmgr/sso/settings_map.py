"""mozilla-django-oidc's settings, answered from [oidc] at the moment they are asked.

mozilla-django-oidc reads OIDC_* Django settings; GWM's backend and views hand it
these values instead, so the configuration stays in settings.conf and endpoints can
come from discovery when first needed.
"""

from __future__ import annotations

from mozilla_django_oidc.utils import import_from_settings

from ganeti_webmgr import conf
from ganeti_webmgr.sso import provider

_ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def scopes() -> str:
    wanted = ["openid", *provider.option("scopes")]
    return " ".join(dict.fromkeys(wanted))


def get(name: str, *default):
    if name in _ENDPOINT_SETTINGS:
        return getattr(provider.endpoints(), _ENDPOINT_SETTINGS[name])
    fixed = {
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso-callback",
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
    }
    if name in fixed:
        return fixed[name]
    match name:
        case "OIDC_RP_CLIENT_ID":
            return provider.option("client_id")
        case "OIDC_RP_CLIENT_SECRET":
            return conf.current().oidc_client_secret()
        case "OIDC_RP_SIGN_ALGO":
            return provider.option("sign_algorithm")
        case "OIDC_RP_SCOPES":
            return scopes()
        case "OIDC_VERIFY_SSL":
            return provider.tls_verify()
        case "OIDC_TIMEOUT":
            return provider.option("timeout")
        case "OIDC_CREATE_USER":
            return provider.option("create_users")
    return import_from_settings(name, *default)
