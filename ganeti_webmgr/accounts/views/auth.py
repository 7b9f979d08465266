from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.forms import LoginForm
from ganeti_webmgr.two_factor import pending, policy


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_enabled"] = settings.PASSWORD_RESET_ENABLED
        return context

    def form_valid(self, form):
        user = form.get_user()
        if policy.second_step_needed(user):
            # Not logged in yet: the second step's page logs the user in (two_factor).
            return pending.begin(self.request, user, self.get_success_url())
        return super().form_valid(form)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    success_message = gettext_lazy("Your password has been changed.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_usable_password():
            # Accounts signed in elsewhere (LDAP) have no password in GWM to change.
            return TemplateResponse(request, self.template_name, {"no_local_password": True})
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        with audit.change(
            "profile.password_change",
            request=self.request,
            targets=[form.user],
            message="Changed their password",
        ):
            response = super().form_valid(form)
        return response
