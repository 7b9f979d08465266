"""The password reset pages: Django's views with GWM's templates and audit entries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.template.response import TemplateResponse
from django.urls import reverse_lazy

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.password_reset import PasswordResetForm


def _validity() -> str:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts-password-reset-sent")

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_RESET_ENABLED:
            # No SMTP server ([email] host): say so, rather than pretend to send.
            return TemplateResponse(request, self.template_name, {"unavailable": True})
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"validity": _validity()}
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "validity": _validity()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts-password-reset-complete")

    def form_valid(self, form):
        with audit.change(
            "user.password_reset",
            request=self.request,
            actor=form.user,
            targets=[form.user],
            message="Set a new password through a reset link",
        ):
            response = super().form_valid(form)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
