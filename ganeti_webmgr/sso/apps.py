from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on with an OpenID Connect provider (mozilla-django-oidc's code flow)."""

    name = "ganeti_webmgr.sso"
    verbose_name = "Single sign-on"
