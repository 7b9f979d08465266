"""Locking out logins after repeated wrong passwords (django-axes, configured from
settings.conf's [login] section in settings.py).

django-axes counts failures and refuses logins; this module tells it who is logging
in, and answers a refused login with the login page.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy

# Set on the login form when a login is refused; the page says no more than this.
LOCKED_OUT = gettext_lazy(
    "Too many failed logins: logging in is refused for {minutes} minutes, even with the "
    "right password. An administrator can lift this sooner."
)


def known_username(request, credentials) -> str | None:
    """The user name being logged in with, when a user has it; None for any other.

    Failures with unknown names are counted together (per address), and what was
    typed in the field (at times a password) is never stored.
    """
    User = get_user_model()
    field = User.USERNAME_FIELD
    name = (credentials or {}).get(field)
    if name is None and request is not None:
        name = request.POST.get(field)
    if not isinstance(name, str) or not name or len(name) > 150:
        return None
    return name if User._default_manager.filter(**{field: name}).exists() else None


def refused(request, original_response=None, credentials=None):
    """The login page with the lockout as its error (HTTP 429), not axes' bare text."""
    from django.conf import settings

    # Unbound: a bound form would try the password again.
    form = AuthenticationForm(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out": LOCKED_OUT.format(minutes=minutes),
    }
    return render(request, "accounts/login.html", context, status=429)


class LockoutBackend(AxesStandaloneBackend):
    """axes' check, first in AUTHENTICATION_BACKENDS: refuses a locked-out login
    before any backend checks the password.

    Logins without a request (scripts calling authenticate() directly) have no
    client to count against, so they pass through unchecked instead of failing.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
