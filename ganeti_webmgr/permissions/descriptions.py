"""The permissions' descriptions in the user's language.

The models declare them in English (Meta.permissions, stored in auth_permission by
migrate, whatever the site's language); these marks put the same texts in the
permissions app's catalog, and described() looks them up when a page shows them.
tests/test_permission_descriptions.py checks that every declared one is here.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

DESCRIPTIONS = frozenset(
    {
        # Cluster
        gettext_noop("Administer the cluster, its nodes and all its VMs; grant and revoke"),
        gettext_noop("Create virtual machines"),
        gettext_noop("Migrate and evacuate nodes"),
        gettext_noop("Export virtual machines"),
        gettext_noop("Replace disks"),
        gettext_noop("Edit the cluster's tags"),
        # VirtualMachine
        gettext_noop("Administer the VM; grant and revoke on it"),
        gettext_noop("Start, stop, reboot; open the console"),
        gettext_noop("Change its resources and reinstall it"),
        gettext_noop("Delete it"),
        gettext_noop("Edit its tags"),
    }
)


def described(model, code: str) -> str:
    """The description of permission `code` on model, translated."""
    return gettext(dict(model._meta.permissions)[code])
