from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy

from ganeti_webmgr import audit
from ganeti_webmgr.two_factor import pending, policy


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if policy.second_step_needed(user):
            # Not logged in yet: the second step's page logs the user in (two_factor).
            return pending.begin(self.request, user, self.get_success_url())
        return super().form_valid(form)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    success_message = "Your password has been changed."

    def form_valid(self, form):
        with audit.change(
            "profile.password_change",
            request=self.request,
            targets=[form.user],
            message="Changed their password",
        ):
            response = super().form_valid(form)
        return response
