from django.apps import AppConfig


class VmKeysConfig(AppConfig):
    name = "ganeti_webmgr.vmkeys"
    label = "vmkeys"
    verbose_name = "SSH keys on VMs"
