"""The VM lists (global and per cluster): their search, filters, sorts and columns,
with the semantics every list shares (core.listing)."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import SEARCH_SEPARATOR

STATES = (
    ("running", _("running")),
    ("stopped", _("stopped")),
    ("error", _("in error")),
    ("missing", _("gone from Ganeti")),
)


def _present(queryset):
    return queryset.filter(missing=False)


STATE_MATCHES = {
    "": _present,  # without a state filter, VMs gone from Ganeti are left out
    "running": lambda qs: _present(qs).filter(status="running"),
    "stopped": lambda qs: _present(qs).filter(status="ADMIN_down"),
    "error": lambda qs: _present(qs).filter(status__startswith="ERROR"),
    "missing": lambda qs: qs.filter(missing=True),
}

# Filters on a node or an owner ask for the ids of the nodes (users, groups) first:
# `primary_node_id IN (...) OR secondary_node_id IN (...)` is served by the foreign
# keys' indexes, where OR over two outer joins makes MariaDB read every row.


def _node(value: str) -> Q:
    nodes = Node.objects.filter(listing.host("name")(value)).values("pk")
    return Q(primary_node__in=nodes) | Q(secondary_node__in=nodes)


def _owner(value: str) -> Q:
    user, group = listing.principal_names(value)
    parts = []
    if user:
        parts.append(Q(owner_user__in=User.objects.filter(username=user).values("pk")))
    if group:
        parts.append(Q(owner_group__in=Group.objects.filter(name=group).values("pk")))
    return parts[0] if len(parts) == 1 else parts[0] | parts[1]


def _search(text: str) -> Q:
    """The quick search: contains, in the VM's own columns (their lowercased copy in
    search_text, one narrow column), its nodes' and owner's names."""
    if SEARCH_SEPARATOR in text:  # could span two values of search_text: the columns alone
        own = listing.contains("name", "nic_ips", "nic_macs", "os", "tags_text")(text)
    else:
        own = Q(search_text__contains=text.lower())
    nodes = Node.objects.filter(name__icontains=text).values("pk")
    return (
        own
        | Q(primary_node__in=nodes)
        | Q(secondary_node__in=nodes)
        | Q(owner_user__in=User.objects.filter(username__icontains=text).values("pk"))
        | Q(owner_group__in=Group.objects.filter(name__icontains=text).values("pk"))
    )


VM_LIST = listing.register(
    listing.ListSpec(
        name="vms",
        search=_search,
        filters=(
            Filter("cluster", _("Cluster"), listing.exact("cluster__slug"), choices=()),
            Filter("node", _("Node"), _node, help=_("short or full name; primary or secondary")),
            Filter("state", _("State"), lambda value: Q(), choices=STATES, special=STATE_MATCHES),
            Filter("owner", _("Owner"), _owner, help=_("user:NAME, group:NAME or NAME")),
            Filter("os", _("OS"), listing.contains("os"), help=_("part of its name")),
            Filter("tag", _("Tag"), listing.word("tags_text"), help=_("a whole tag")),
        ),
        columns=(
            Column("name", _("Name"), sort="name_key"),
            Column("cluster", _("Cluster"), sort="cluster__slug"),
            Column("state", _("State"), sort="status"),
            Column("node", _("Node"), sort="primary_node__name_key"),
            Column(
                "secondary", _("Secondary node"), sort="secondary_node__name_key", default=False
            ),
            Column("memory", _("Memory"), sort="memory"),
            Column("vcpus", _("vCPUs"), sort="vcpus"),
            Column("disk", _("Disk"), sort="disk_size"),
            Column("os", _("OS"), sort="os", default=False),
            Column("ips", _("IP addresses"), default=False),
            Column("tags", _("Tags"), default=False),
            Column("owner", _("Owner")),
        ),
        default_sort="name",
        ties=("name_key", "name", "pk"),
    )
)


def _node_groups() -> list[list[int]]:
    """The nodes' pks by name_key, in the database's order; equal keys together."""
    groups: list[list[int]] = []
    last = None
    for pk, key in Node.objects.order_by("name_key").values_list("pk", "name_key"):
        if groups and key == last:
            groups[-1].append(pk)
        else:
            groups.append([pk])
        last = key
    return groups


def _cluster_groups() -> list[list[int]]:
    return [[pk] for pk in Cluster.objects.order_by("slug").values_list("pk", flat=True)]


# Sorts on a column of a node or the cluster (few, against many VMs), read a page
# by page through core.grouped_pages: the VM's foreign key and the related
# objects in the sort's order.
GROUPED_SORTS = {
    "node": ("primary_node_id", _node_groups),
    "secondary": ("secondary_node_id", _node_groups),
    "cluster": ("cluster_id", _cluster_groups),
}

# Fields of an export, in its column order; the owner is one "user:NAME"/"group:NAME".
EXPORT_FIELDS = (
    ("name", "name"),
    ("cluster", "cluster__slug"),
    ("status", "status"),
    ("missing", "missing"),
    ("primary_node", "primary_node__name"),
    ("secondary_node", "secondary_node__name"),
    ("os", "os"),
    ("memory_mib", "memory"),
    ("vcpus", "vcpus"),
    ("disk_mib", "disk_size"),
    ("disks", "disk_count"),
    ("ips", "nic_ips"),
    ("macs", "nic_macs"),
    ("tags", "tags"),
    ("owner_user", "owner_user__username"),
    ("owner_group", "owner_group__name"),
)
EXPORT_KEYS = (*(key for key, _field in EXPORT_FIELDS[:-2]), "owner")


def export_row(values: tuple) -> tuple:
    """A values_list row of EXPORT_FIELDS as the export writes it."""
    *rest, user, group = values
    owner = f"user:{user}" if user else f"group:{group}" if group else ""
    return (*rest, owner)
