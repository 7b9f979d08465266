from django.apps import AppConfig


class PermissionsConfig(AppConfig):
    """Who may do what: object permissions (django-guardian), ownership, grant and revoke."""

    name = "ganeti_webmgr.permissions"
    verbose_name = "Permissions"
