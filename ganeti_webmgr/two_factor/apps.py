from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    """A second factor at sign-in: an authenticator app (TOTP) and one-time recovery codes,
    kept in django-otp's devices."""

    name = "ganeti_webmgr.two_factor"
    label = "gwm_two_factor"
    verbose_name = "Two-factor sign-in"
