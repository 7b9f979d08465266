import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class AccountsConfig(AppConfig):
    """Users and groups: login, logout, password, profiles, groups and SSH keys."""

    name = "ganeti_webmgr.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ganeti_webmgr.accounts import language

        language.connect()

        from django.conf import settings

        # [ldap] enabled, yet off: say so where the administrator looks (the journal).
        state = getattr(settings, "LDAP_STATE", None)
        if state is not None and state.enabled and not state.on:
            logger.warning("LDAP sign-in is %s", state.text)
