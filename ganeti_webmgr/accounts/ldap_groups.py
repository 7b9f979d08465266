"""django-auth-ldap's group types, keeping out of GWM the groups it cannot name.

GWM group names are made of letters, digits and . + @ - _ (they appear in URLs and in
Ganeti owner tags): an LDAP group named otherwise is not mirrored, and the log says so.
"""

from __future__ import annotations

import logging

from django_auth_ldap.config import GroupOfNamesType, PosixGroupType

from ganeti_webmgr.accounts.names import GROUP_NAME

log = logging.getLogger(__name__)


class _GwmNames:
    def group_name_from_info(self, group_info):
        name = super().group_name_from_info(group_info)
        if name is not None and not GROUP_NAME.fullmatch(name):
            log.warning(
                "LDAP group %r not mirrored: GWM group names are letters, digits and . + @ - _",
                name[:200],
            )
            return None
        return name


class PosixGroups(_GwmNames, PosixGroupType):
    pass


class GroupsOfNames(_GwmNames, GroupOfNamesType):
    pass
