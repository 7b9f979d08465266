from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ganeti_webmgr.jobs"
    verbose_name = "Jobs"
