"""What may be done to a whole cluster: redistribute its configuration, its tags."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions.base import Action
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.actions.tags import tags_action
from ganeti_webmgr.ganeti import RapiClient


def _redistribute(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.redistribute_config(reason=reason or None)


register(
    Action(
        "cluster.redistribute",
        "cluster",
        gettext_lazy("Redistribute configuration"),
        "admin",
        "cluster.redistribute_config",
        lambda cluster, p: (
            _("redistribute the configuration of %(cluster)s") % {"cluster": cluster.slug}
        ),
        _redistribute,
        confirm=lambda cluster, p: (
            _(
                "Ganeti copies the configuration of %(cluster)s to every node again, as "
                "after a node's files were lost or changed by hand."
            )
            % {"cluster": cluster.slug}
        ),
    ),
    tags_action("cluster", "cluster", lambda cluster: cluster.slug),
)
