from django.apps import AppConfig


class Gwm011Config(AppConfig):
    name = "ganeti_webmgr.gwm011"
    verbose_name = "Import from GWM 0.11"

    def ready(self) -> None:
        from ganeti_webmgr.gwm011 import receivers  # noqa: F401 - connects the signal handlers
