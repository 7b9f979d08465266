"""Optional features that come in packages of their own (docs/packaging.rst, "Feature
packages").

A feature is a section of the configuration whose code needs libraries the base
packages leave out. Its package (ganeti-webmgr-<name>, a .deb and an .rpm) adds those
libraries, locked in requirements/<name>.txt, to GWM's virtualenv, and ships the
drop-in settings.d/50-<name>.conf (rendered from the schema by `make config-files`)
that turns the section on. In a checkout, `make dev-venv` installs every feature's
libraries.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    name: str  # its [section], requirements/<name>.txt and the package's suffix
    title: str  # what it is called, for the drop-in's first line
    libraries: str  # the distributions it needs, as the messages name them
    modules: tuple[str, ...]  # what must import for the feature to work
    setup: str  # the drop-in's instructions: what to fill in, how to check it

    @property
    def package(self) -> str:
        return f"ganeti-webmgr-{self.name}"

    @property
    def dropin(self) -> str:
        return f"50-{self.name}.conf"

    def missing(self) -> str | None:
        """Why the feature's libraries cannot be used here, or None when they can."""
        for module in self.modules:
            try:
                importlib.import_module(module)
            except ImportError as error:
                return (
                    f"{self.libraries} are not installed ({error}); install the "
                    f"{self.package} package (in a checkout: make dev-venv)"
                )
        return None


LDAP = Feature(
    name="ldap",
    title="LDAP sign-in",
    libraries="python-ldap and django-auth-ldap",
    modules=("ldap", "django_auth_ldap"),
    setup="LDAP sign-in stays off until you fill in at least server_uri and "
    "user_search_base below; check them with `gwm-manage ldap_check USER`, then restart "
    "GWM (systemctl restart ganeti-webmgr). The documentation's LDAP chapter has an "
    "example.",
)
FEATURES = {feature.name: feature for feature in (LDAP,)}
