from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "ganeti_webmgr.provisioning"
    verbose_name = "VM creation and templates"

    def ready(self) -> None:
        from ganeti_webmgr.provisioning import receivers  # noqa: F401 -- connects them
