from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "ganeti_webmgr.actions"
    verbose_name = "Actions"

    def ready(self) -> None:
        from ganeti_webmgr.actions import receivers  # noqa: F401 -- connects them
