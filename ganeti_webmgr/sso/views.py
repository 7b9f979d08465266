"""The two ends of a single sign-on: off to the provider, and back with a code.

mozilla-django-oidc's views, fed [oidc] through settings_map; every way a sign-in
can fail ends on the login page with the reason, never an error page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc import views as oidc_views

from ganeti_webmgr import audit, conf
from ganeti_webmgr.sso import provider, settings_map
from ganeti_webmgr.sso.backend import REASON, reason
from ganeti_webmgr.two_factor import pending, policy

STALE = gettext_lazy(
    "this answer from the sign-in provider does not belong to a sign-in started in this "
    "browser, or was used already (state mismatch); start again"
)


class Start(oidc_views.OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # Endpoints are looked up per request (discovery may fail; see get()).
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get_settings(self, name, *default):
        return settings_map.get(name, *default)

    def get(self, request):
        if not provider.enabled():
            raise Http404("single sign-on is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.endpoints().authorization_endpoint
        except provider.ProviderError as error:
            context = {"reason": str(error), "label": provider.option("button_label")}
            return render(request, "sso/unavailable.html", context, status=503)
        self.OIDC_RP_CLIENT_ID = provider.option("client_id")
        return super().get(request)


class Callback(oidc_views.OIDCAuthenticationCallbackView):
    def get_settings(self, name, *default):
        return settings_map.get(name, *default)

    @property
    def failure_url(self):
        return "accounts-login"

    def get(self, request):
        if not provider.enabled():
            raise Http404("single sign-on is not configured")
        if request.GET.get("error"):
            error = request.GET.get("error_description") or request.GET["error"]
            setattr(
                request,
                REASON,
                reason(gettext_lazy("the provider refused: {error}"), error=error[:200]),
            )
        elif "code" in request.GET and "state" in request.GET:
            states = request.session.get("oidc_states") or {}
            if request.GET["state"] not in states:
                setattr(request, REASON, STALE)
                return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            setattr(request, REASON, str(error))
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        why = getattr(self.request, REASON, None)
        if why is None:
            why = gettext_lazy("the sign-in provider's answer was incomplete; start again")
            if getattr(self, "user", None) is not None and not self.user.is_active:
                why = gettext_lazy("your GWM account is deactivated")
        with translation.override(audit.RECORD_LANGUAGE):
            record = f"Single sign-on refused: {why}"
        audit.record(
            "user.login_failed",
            request=self.request,
            actor=None,
            targets=[self.user] if getattr(self, "user", None) else [],
            message=record,
        )
        messages.error(self.request, _("Single sign-on failed: %(reason)s.") % {"reason": why})
        return redirect(self.failure_url)

    def login_success(self) -> HttpResponse:
        if second_factor_applies(self.user):
            return pending.begin(self.request, self.user, self.success_url)
        return super().login_success()


def second_factor_applies(user) -> bool:
    """Single sign-on trusts the provider's own second factor unless [two_factor]
    apply_to_sso asks for GWM's too."""
    if not conf.current().get("two_factor", "apply_to_sso"):
        return False
    return policy.second_step_needed(user)
