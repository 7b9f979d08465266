"""Two-factor pages: the second step of a sign-in, enrolment, and one's own settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.two_factor import devices, pending, qr
from ganeti_webmgr.two_factor.forms import AppCodeForm, CodeForm

EXPIRED = gettext_lazy("Your sign-in took too long or was interrupted; please log in again.")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app, or a recovery code."""
    user = pending.user(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect("home")
        if pending.SESSION_KEY in request.session:
            pending.drop(request)
            messages.error(request, EXPIRED)
        return redirect("accounts-login")
    if not devices.is_enrolled(user):  # must enrol first
        return redirect("two-factor-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = devices.check(request, user, form.cleaned_data["code"])
        if result.ok:
            next_url = pending.finish(request, user)
            if result.recovery:
                left = devices.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(left)s left. If your authenticator is "
                        "lost, turn two-factor sign-in off and on again for new codes."
                    )
                    % {"left": left},
                )
            return redirect(next_url)
        audit.record(
            "twofactor.code_failed",
            request=request,
            actor=None,
            targets=[user],
            message="Wrong second-factor code at sign-in",
        )
        # A failed login to whatever counts them (a lockout after too many failures).
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), "second_factor": True},
            request=request,
        )
        if pending.failed(request):
            messages.error(request, _("Too many wrong codes. Log in again."))
            return redirect("accounts-login")
        if result.throttled:
            form.add_error(
                "code", _("Too many wrong codes in a row: wait a minute, then try again.")
            )
        else:
            form.add_error("code", _("That code is not right, or has been used already."))
    return render(request, "two_factor/verify.html", {"form": form, "signing_in": user})


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: from one's profile, or right after the password when
    a second factor is required and the user has none (they are not logged in yet)."""
    signing_in = None
    if request.user.is_authenticated:
        user = request.user
        if devices.is_enrolled(user):
            messages.info(request, _("Two-factor sign-in is already on."))
            return redirect("two-factor-profile")
    else:
        signing_in = user = pending.user(request)
        if user is None or devices.is_enrolled(user):
            pending.drop(request)
            return redirect("accounts-login")
    device = devices.enrolment_device(user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = devices.confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            next_url = pending.finish(request, user, device) if signing_in else None
            return render(
                request,
                "two_factor/recovery_codes.html",
                {"codes": codes, "next_url": next_url},
            )
        form.add_error("code", _("That code is not right; check the time on your phone."))
    context = {
        "form": form,
        "signing_in": signing_in,
        "qr_svg": qr.svg(devices.provisioning_uri(device)),
        "secret": devices.secret_text(device),
    }
    return render(request, "two_factor/enrol.html", context)


@login_required
@require_http_methods(["GET"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "enrolled": devices.is_enrolled(user),
        "required": rules.must_use_two_factor(user),
        "codes_left": devices.recovery_codes_left(user),
        "form": CodeForm(),
    }
    return render(request, "two_factor/profile.html", context)


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off, proven with a current code."""
    user = request.user
    if not devices.is_enrolled(user):
        messages.info(request, _("Two-factor sign-in is not on."))
        return redirect("two-factor-profile")
    if rules.must_use_two_factor(user):
        messages.error(
            request,
            _(
                "Two-factor sign-in is required for your account and cannot be turned off. "
                "If you lost your authenticator, an administrator can reset it."
            ),
        )
        return redirect("two-factor-profile")
    form = CodeForm(request.POST)
    if form.is_valid():
        result = devices.check(request, user, form.cleaned_data["code"])
        if result.ok:
            devices.remove(
                request,
                user,
                action="twofactor.disable",
                message="Turned two-factor sign-in off",
                actor=user,
            )
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two-factor-profile")
        audit.record(
            "twofactor.code_failed",
            request=request,
            targets=[user],
            message="Wrong second-factor code when turning two-factor sign-in off",
        )
    messages.error(request, _("That code is not right; two-factor sign-in stays on."))
    return redirect("two-factor-profile")
