"""What a token's scope allows, asked of every API view beside permissions.rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from ganeti_webmgr.api.models import Token


class SignedIn(permissions.BasePermission):
    """An active user, and a write-scoped token (or the session) for anything but reads."""

    message = _("This token may only read: make one with write access for changes.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, Token) or token.write
