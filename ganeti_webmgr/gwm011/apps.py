from django.apps import AppConfig


class Gwm011Config(AppConfig):
    name = "ganeti_webmgr.gwm011"
    verbose_name = "Import from GWM 0.11"
