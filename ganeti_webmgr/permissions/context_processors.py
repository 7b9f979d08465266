"""The top bar's links, as permissions/rules.py answers for the user: `nav.users`,
`nav.log`, `nav.imports` in every template."""

from __future__ import annotations

from ganeti_webmgr.permissions import rules


def nav(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav": {
            "users": rules.may_manage_users(user),
            "log": rules.may_read_global_log(user),
            # The overview of every cluster's imports; admins of some clusters reach
            # theirs from each cluster's tab, which spares every page a query.
            "imports": rules.may_see_everything(user),
        }
    }
