"""The VM lists (global and per cluster): their search, filters, sorts and columns,
with the semantics every list shares (core.listing)."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db.models import Q

from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter
from ganeti_webmgr.nodes.models import Node

STATES = (
    ("running", "running"),
    ("stopped", "stopped"),
    ("error", "in error"),
    ("missing", "gone from Ganeti"),
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
    """The quick search: contains, in the VM's own columns, its nodes' and owner's names."""
    nodes = Node.objects.filter(name__icontains=text).values("pk")
    return (
        listing.contains("name", "nic_ips", "nic_macs", "os", "tags_text")(text)
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
            Filter("cluster", "Cluster", listing.exact("cluster__slug"), choices=()),
            Filter("node", "Node", _node, help="short or full name; primary or secondary"),
            Filter("state", "State", lambda value: Q(), choices=STATES, special=STATE_MATCHES),
            Filter("owner", "Owner", _owner, help="user:NAME, group:NAME or NAME"),
            Filter("os", "OS", listing.contains("os"), help="part of its name"),
            Filter("tag", "Tag", listing.word("tags_text"), help="a whole tag"),
        ),
        columns=(
            Column("name", "Name", sort="name_key"),
            Column("cluster", "Cluster", sort="cluster__slug"),
            Column("state", "State", sort="status"),
            Column("node", "Node", sort="primary_node__name_key"),
            Column("secondary", "Secondary node", sort="secondary_node__name_key", default=False),
            Column("memory", "Memory", sort="memory"),
            Column("vcpus", "vCPUs", sort="vcpus"),
            Column("disk", "Disk", sort="disk_size"),
            Column("os", "OS", sort="os", default=False),
            Column("ips", "IP addresses", default=False),
            Column("tags", "Tags", default=False),
            Column("owner", "Owner"),
        ),
        default_sort="name",
        ties=("name_key", "name", "pk"),
    )
)

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
EXPORT_KEYS = (*(key for key, _ in EXPORT_FIELDS[:-2]), "owner")


def export_row(values: tuple) -> tuple:
    """A values_list row of EXPORT_FIELDS as the export writes it."""
    *rest, user, group = values
    owner = f"user:{user}" if user else f"group:{group}" if group else ""
    return (*rest, owner)
