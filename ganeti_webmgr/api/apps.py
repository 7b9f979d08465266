from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ganeti_webmgr.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        from ganeti_webmgr.api import schema  # noqa: F401 - registers the token scheme
