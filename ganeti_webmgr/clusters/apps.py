from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "ganeti_webmgr.clusters"
    verbose_name = "Clusters"
