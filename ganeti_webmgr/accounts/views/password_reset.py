"""The password reset pages: Django's views with GWM's templates and audit entries.

Who gets a reset mail, how often, and what the log says: the answer to a request is
the same whether or not the address is an account's, so the page tells nobody which
addresses have accounts. Mail goes only to active accounts with a password in GWM:
accounts without an address and accounts that sign in elsewhere (LDAP, OIDC: no
usable local password) get none.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import ngettext

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry

log = logging.getLogger(__name__)
REQUESTED = "user.password_reset_request"
# An address in the log is a user's input: bounded, as the attempted name of a login.
MAX_LOGGED_ADDRESS = 254


def mailed_recently(user) -> bool:
    """Whether a reset mail went to user less than [password_reset] min_interval ago
    (read from the audit log, which every gwm-server process shares)."""
    interval = settings.PASSWORD_RESET_MIN_INTERVAL
    if not interval:
        return False
    return Entry.objects.filter(
        action=REQUESTED,
        targets__content_type=ContentType.objects.get_for_model(user),
        targets__object_pk=user.pk,
        time__gte=timezone.now() - timedelta(seconds=interval),
    ).exists()


class PasswordResetForm(auth_forms.PasswordResetForm):
    request = None

    def get_users(self, email):
        for user in super().get_users(email):
            if mailed_recently(user):
                log.info("password reset for user %s: mailed recently, not again", user.pk)
                self.matched = True
                continue
            yield user

    def save(self, request=None, **kwargs):
        self.request, self.matched = request, False
        super().save(request=request, **kwargs)
        if not self.matched:
            address = self.cleaned_data["email"][:MAX_LOGGED_ADDRESS]
            audit.record(
                REQUESTED,
                request=request,
                actor=None,
                message=f"Password reset asked for {address!r}, the address of no account "
                "with a password in GWM: no mail sent",
            )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's, with the entry written in the same transaction as the sending: no
        entry (and so no rate limit) for a mail the SMTP server did not take."""
        self.matched = True
        user = context["user"]
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        try:
            with audit.change(
                REQUESTED,
                request=self.request,
                actor=None,
                targets=[user],
                message=f"Password reset link mailed to {user.username}'s address",
            ):
                message.send()
        except (OSError, smtplib.SMTPException) as error:
            # The page still gives its usual answer: an error there would tell the
            # address is an account's.
            log.error("password reset mail to user %s not sent: %s", user.pk, error)


def _validity() -> str:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


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
