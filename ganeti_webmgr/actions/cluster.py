"""What may be done to a whole cluster: redistribute its configuration, its tags."""

from __future__ import annotations

from ganeti_webmgr.actions.base import Action
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.actions.vm import TagsForm
from ganeti_webmgr.ganeti import RapiClient


def _redistribute(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.redistribute_config(reason=reason or None)


def _tags(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    if p.get("remove"):
        return client.delete_tags("cluster", p["remove"], reason=reason or None)
    return client.add_tags("cluster", p["add"], reason=reason or None)


def _describe_tags(cluster, p) -> str:
    if p.get("remove"):
        return f"remove tag(s) {', '.join(p['remove'])} from {cluster.slug}"
    return f"add tag(s) {', '.join(p['add'])} to {cluster.slug}"


register(
    Action(
        "cluster.redistribute",
        "cluster",
        "Redistribute configuration",
        "admin",
        "cluster.redistribute_config",
        lambda cluster, p: f"redistribute the configuration of {cluster.slug}",
        _redistribute,
        confirm=lambda cluster, p: (
            f"Ganeti copies the configuration of {cluster.slug} to every node again, as "
            "after a node's files were lost or changed by hand."
        ),
    ),
    Action(
        "cluster.tags",
        "cluster",
        "Tags",
        "tags",
        "cluster.tags",
        _describe_tags,
        _tags,
        form=TagsForm,
    ),
)
