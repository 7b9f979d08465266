from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users and groups: login, logout, password (profiles and groups arrive with issue 6)."""

    name = "ganeti_webmgr.accounts"
    verbose_name = "Accounts"
