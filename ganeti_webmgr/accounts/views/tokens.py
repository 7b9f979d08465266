"""A user's own API tokens (list, make, revoke), and administrators revoking anyone's.

A new token's secret is in the one answer to the POST that made it: not in a redirect,
the session or a message (those outlive the page), nor in any log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from ganeti_webmgr.api import tokens
from ganeti_webmgr.api.forms import TokenForm
from ganeti_webmgr.api.models import Token
from ganeti_webmgr.permissions import rules


def of(user: User):
    """user's tokens, newest first, revoked ones last."""
    return Token.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")


@login_required
@never_cache  # the answer to a creation holds the secret: no cache may keep it
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@sensitive_variables("issued")  # innermost: it must wrap the frame that holds the secret
def token_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.may_make_token(user, user):
        raise PermissionDenied
    form = TokenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = tokens.issue(
                user,
                data["name"],
                write=data["write"],
                expires_at=data["expires_at"],
                allowed_ips=data["allowed_ips"],
                request=request,
            )
        except tokens.TokenError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return render(
                request,
                "accounts/token_created.html",
                {"token": issued.token, "secret": issued.secret},
            )
    return render(request, "accounts/tokens.html", {"form": form, "tokens": of(user)})


@login_required
@require_POST
def token_revoke(request: HttpRequest, key_id: str) -> HttpResponse:
    # One's own tokens only (others': 404, administrators too: they use the user's page).
    token = get_object_or_404(Token, key_id=key_id, user=request.user)
    _revoke(request, token)
    return redirect("accounts-token-list")


@login_required
@require_POST
def user_token_revoke(request: HttpRequest, username: str, key_id: str) -> HttpResponse:
    """From a user's page: those who manage users stop anyone's token."""
    if not rules.may_see_user(request.user, username):
        raise PermissionDenied  # before the lookup: says nothing about who exists
    token = get_object_or_404(Token, key_id=key_id, user__username=username)
    if not rules.may_revoke_token(request.user, token):
        raise PermissionDenied
    _revoke(request, token)
    return redirect("accounts-user-detail", username=username)


def _revoke(request: HttpRequest, token: Token) -> None:
    if tokens.revoke(token, by=request.user, request=request):
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    else:
        messages.info(request, _("Token “%(name)s” was revoked already.") % {"name": token.name})
