"""The OpenID Connect provider GWM signs users in with, as [oidc] describes it.

Endpoints come from the issuer's discovery document, fetched when first needed (not
at startup, so a provider that is down does not stop GWM) and kept for an hour;
endpoints set in [oidc] win over discovered ones.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests

from ganeti_webmgr import conf

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TTL = 3600
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


class ProviderError(Exception):
    """The provider cannot be used now; str() says why, for the user and the log."""


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


_lock = threading.Lock()
_discovered: dict[str, tuple[float, dict]] = {}


def enabled() -> bool:
    return conf.current().get("oidc", "enabled")


def option(name: str):
    return conf.current().get("oidc", name)


def tls_verify() -> bool | str:
    """requests' verify=: the CA file if one is set, else whether to check at all."""
    return option("ca_file") or option("verify_tls")


def endpoints() -> Endpoints:
    issuer = option("issuer")
    explicit = {name: option(name) for name in ENDPOINTS}
    found = explicit if all(explicit.values()) else {**discover(issuer), **_set(explicit)}
    missing = [name for name in ENDPOINTS if not found.get(name)]
    if missing:
        raise ProviderError(
            f"the provider's discovery document at {issuer}{DISCOVERY_PATH} names no "
            f"{', '.join(missing)}; set them in [oidc]"
        )
    return Endpoints(issuer=issuer, **{name: found[name] for name in ENDPOINTS})


def _set(values: dict) -> dict:
    return {name: value for name, value in values.items() if value}


def discover(issuer: str) -> dict:
    with _lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
            return cached[1]
    document = _fetch(issuer)
    with _lock:
        _discovered[issuer] = (time.monotonic(), document)
    return document


def forget() -> None:
    """Drop discovered documents (tests; a provider that moved its endpoints)."""
    with _lock:
        _discovered.clear()


def _fetch(issuer: str) -> dict:
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=option("timeout"), verify=tls_verify())
        response.raise_for_status()
        document = response.json()
    except requests.exceptions.SSLError:
        raise ProviderError(f"the provider's TLS certificate at {url} is not trusted") from None
    except requests.RequestException as error:
        raise ProviderError(f"the provider at {url} cannot be reached: {describe(error)}") from None
    except ValueError:
        raise ProviderError(f"{url} did not answer with a discovery document (JSON)") from None
    if not isinstance(document, dict):
        raise ProviderError(f"{url} did not answer with a discovery document (JSON object)")
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ProviderError(
            f"the discovery document at {url} is for issuer {document.get('issuer')!r}, "
            f"not the configured {issuer!r}"
        )
    return document


def describe(error: requests.RequestException) -> str:
    """A short reason: urllib3's nested messages are long and repeat the URL."""
    if isinstance(error, requests.ConnectionError):
        return "connection failed (is it running, and is the address right?)"
    if isinstance(error, requests.Timeout):
        return f"no answer within {option('timeout')} seconds"
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"it answered HTTP {error.response.status_code}"
    return type(error).__name__
