from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log: who did what to which objects, from where, and how it ended."""

    name = "ganeti_webmgr.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from ganeti_webmgr.audit import signals

        signals.connect()
