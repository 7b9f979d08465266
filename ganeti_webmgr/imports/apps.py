from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "ganeti_webmgr.imports"
    verbose_name = "Import tools"
