from django.apps import AppConfig


class NodesConfig(AppConfig):
    name = "ganeti_webmgr.nodes"
    verbose_name = "Nodes"
