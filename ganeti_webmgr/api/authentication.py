"""Who an API request is: a token (Authorization: Bearer gwm_...) or, for the web UI's
own pages, the Django session (with its CSRF check on writes)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from ganeti_webmgr.api import tokens
from ganeti_webmgr.audit.api import client_ip


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not secret:
            return None
        token = tokens.find(secret.strip())
        # One answer for every refusal, so that it tells nothing about other tokens.
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        state = token.state(timezone.now())
        if state == "expired":
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if state == "revoked":
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is deactivated."))
        address = client_ip(request)
        if not tokens.allows_address(token, address):
            raise exceptions.AuthenticationFailed(
                _("This token may not be used from %(address)s.") % {"address": address}
            )
        tokens.note_use(token, address)
        # The audit log names the token of every change made with it.
        request._request.gwm_api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
