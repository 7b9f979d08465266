from django.apps import AppConfig


class VirtualMachinesConfig(AppConfig):
    name = "ganeti_webmgr.virtual_machines"
    verbose_name = "Virtual machines"
