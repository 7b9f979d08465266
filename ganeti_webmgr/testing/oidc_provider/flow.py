"""The single sign-on flow as a browser goes through it: GWM (the Django test client)
sends it to the provider, the provider's login form is filled in over HTTP, and the
provider's redirect is brought back to GWM's callback."""

from __future__ import annotations

from urllib.parse import urlsplit

from ganeti_webmgr.testing.oidc_provider import OidcProvider


class SignIn:
    def __init__(self, idp: OidcProvider, configure):
        self.idp = idp
        self.configure = configure

    def set_endpoints(self, **overrides: str) -> None:
        """Set every endpoint in [oidc] (no discovery): the provider's, or overrides."""
        endpoints = {
            "authorization_endpoint": self.idp.url("authorize/"),
            "token_endpoint": self.idp.url("token/"),
            "userinfo_endpoint": self.idp.url("userinfo/"),
            "jwks_uri": self.idp.url(".well-known/jwks.json"),
        }
        for name, url in {**endpoints, **overrides}.items():
            self.configure("oidc", name, url)

    def start(self, client, next_url: str = ""):
        """GWM's redirect to the provider's authorization endpoint."""
        response = client.get("/sso/start" + (f"?next={next_url}" if next_url else ""))
        assert response.status_code == 302, response.content[:500]
        assert response["Location"].startswith(self.idp.base_url)
        return response["Location"]

    def at_provider(self, authorize_url: str, username: str, password: str) -> str:
        """The callback path and query the provider sends the browser back to."""
        callback = urlsplit(self.idp.sign_in(authorize_url, username, password))
        return f"{callback.path}?{callback.query}"

    def sign_in(self, client, username: str, password: str, next_url: str = "", **follow):
        callback = self.at_provider(self.start(client, next_url), username, password)
        return client.get(callback, **follow)
