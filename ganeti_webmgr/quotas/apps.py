from django.apps import AppConfig


class QuotasConfig(AppConfig):
    """What owners may use of a cluster, and what they use: checked as requests are recorded."""

    name = "ganeti_webmgr.quotas"
    verbose_name = "Quotas"

    def ready(self) -> None:
        from ganeti_webmgr.quotas import receivers  # noqa: F401 - connects the signal handlers
