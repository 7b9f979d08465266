"""A cluster's node list: its search, filters, sorts and columns (core.listing)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter

ROLES = (
    ("master", _("master")),
    ("master-candidate", _("master candidate")),
    ("regular", _("regular")),
    ("drained", _("drained")),
    ("offline", _("offline")),
)
ROLE_MATCHES = {
    "drained": lambda qs: qs.filter(Q(role="drained") | Q(drained=True)),
    "offline": lambda qs: qs.filter(Q(role="offline") | Q(offline=True)),
}

NODE_LIST = listing.register(
    listing.ListSpec(
        name="nodes",
        search=("name", "primary_ip", "secondary_ip", "group__name", "tags"),
        filters=(
            Filter("role", _("Role"), listing.exact("role"), choices=ROLES, special=ROLE_MATCHES),
            Filter("group", _("Group"), listing.exact("group__name"), choices=()),
        ),
        columns=(
            Column("name", _("Node"), sort="name_key"),
            Column("role", _("Role"), sort="role"),
            Column("group", _("Group"), sort="group__name_key"),
            Column("ip", _("Primary IP"), default=False),
            Column("memory", _("Memory free"), sort="memory_free"),
            Column("disk", _("Disk free"), sort="disk_free"),
            Column("cpus", _("CPUs"), sort="cpu_total"),
            Column("vms", _("VMs"), sort="primary_count"),
        ),
        default_sort="name",
        ties=("name_key", "name", "pk"),
    )
)

EXPORT_FIELDS = (
    ("name", "name"),
    ("role", "role"),
    ("offline", "offline"),
    ("drained", "drained"),
    ("group", "group__name"),
    ("primary_ip", "primary_ip"),
    ("secondary_ip", "secondary_ip"),
    ("memory_total_mib", "memory_total"),
    ("memory_free_mib", "memory_free"),
    ("disk_total_mib", "disk_total"),
    ("disk_free_mib", "disk_free"),
    ("cpus", "cpu_total"),
    ("primary_vms", "primary_count"),
    ("secondary_vms", "secondary_count"),
    ("missing", "missing"),
    ("tags", "tags"),
)
