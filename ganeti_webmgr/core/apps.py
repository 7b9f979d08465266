from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide pieces: base template, stylesheet, home page, health check."""

    name = "ganeti_webmgr.core"
    verbose_name = "Core"
