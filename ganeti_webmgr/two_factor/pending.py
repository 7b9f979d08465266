"""A sign-in between its two steps: the password (or single sign-on) is done, the
second factor is not.

Nothing of the user is logged in yet: the session holds only who is signing in, for
a few minutes and a few wrong codes. Django's login() runs when the second step is
done, so every page, websocket and API sees an anonymous visitor until then.
"""

from __future__ import annotations

import time

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import login as otp_login

from ganeti_webmgr.two_factor import devices

SESSION_KEY = "gwm_two_factor_pending"
LIFETIME = 300  # seconds to enter the code after the password
MAX_FAILURES = 5  # wrong codes before the password must be given again


def begin(request: HttpRequest, user, next_url: str) -> HttpResponse:
    """Hold user's sign-in for the second step: the code page, or enrolment for a user
    who must use a second factor and has none."""
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "since": time.time(),
        "failures": 0,
    }
    return redirect("two-factor-verify" if devices.is_enrolled(user) else "two-factor-enrol")


def user(request: HttpRequest):
    """The user signing in, or None (nobody, expired, or since deactivated)."""
    state = request.session.get(SESSION_KEY)
    if not state or time.time() - state["since"] > LIFETIME:
        return None
    return get_user_model()._default_manager.filter(pk=state["user"], is_active=True).first()


def failed(request: HttpRequest) -> bool:
    """Count a wrong code; True when that was one too many and the sign-in is dropped."""
    state = request.session[SESSION_KEY]
    state["failures"] += 1
    request.session.modified = True
    if state["failures"] >= MAX_FAILURES:
        drop(request)
        return True
    return False


def drop(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def finish(request: HttpRequest, user, device=None) -> str:
    """Log user in (the session key changes) and return where to go next."""
    state = request.session.pop(SESSION_KEY)
    auth.login(request, user, backend=state["backend"])
    if device is not None:
        otp_login(request, device)
    return state["next"]
