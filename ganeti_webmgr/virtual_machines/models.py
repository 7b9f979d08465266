"""Ganeti instances (virtual machines), as last synced."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node, SyncedFromGaneti

# The text the VM lists' quick search looks in (search_text): one narrow column, kept
# with the row.
#
# The search was `icontains` over the name, the addresses, the MACs, the OS and the
# tags, each a column of its own (two of them JSON, lowercased row by row on
# MariaDB): a full scan of the wide rows that costs MariaDB and PostgreSQL tens of
# milliseconds at 10,000 VMs (bench/vm_list.py). The same values, lowercased and
# one per line, in one column are compared with `contains` (a byte comparison on
# MariaDB) in one pass.
#
# Each value is written as those columns held it, the addresses and MACs as their
# JSON text, so a search finds what it found in them (for ASCII text: the
# databases fold case beyond ASCII each its own way, and this column as Python's
# lower() does). A value never spans two lines, so no search matches across values
# unless it has a line break itself; filters.py asks the columns for such a search.
SEARCH_SEPARATOR = "\n"
# The columns search_text is made of.
SEARCHED = frozenset({"name", "nic_ips", "nic_macs", "os", "tags_text"})


def search_text(name: str, nic_ips, nic_macs, os: str, tags_text: str) -> str:
    """The values of the SEARCHED columns, each as the column holds it (the JSON ones
    as Django's JSONField writes them, json.dumps), lowercased, one per line."""
    parts = [name, json.dumps(nic_ips), json.dumps(nic_macs), os, tags_text]
    return SEARCH_SEPARATOR.join(part or "" for part in parts).lower()


class VirtualMachine(SyncedFromGaneti):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="virtual_machines")
    status = models.CharField(max_length=32, blank=True)  # running, ADMIN_down, ERROR_down, ...
    admin_state = models.CharField(max_length=16, blank=True)  # up, down, offline
    oper_state = models.BooleanField(default=False)  # really running
    os = models.CharField(max_length=128, blank=True)
    hypervisor = models.CharField(max_length=32, blank=True)
    disk_template = models.CharField(max_length=32, blank=True)
    primary_node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.SET_NULL, related_name="primary_vms"
    )
    secondary_node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.SET_NULL, related_name="secondary_vms"
    )
    memory = models.PositiveIntegerField(null=True, blank=True)  # configured maximum, MiB
    minmem = models.PositiveIntegerField(null=True, blank=True)
    vcpus = models.PositiveIntegerField(null=True, blank=True)
    oper_ram = models.PositiveIntegerField(null=True, blank=True)
    oper_vcpus = models.PositiveIntegerField(null=True, blank=True)
    disk_size = models.PositiveBigIntegerField(default=0)  # all disks, MiB
    disk_count = models.PositiveSmallIntegerField(default=0)
    nic_ips = models.JSONField(default=list, blank=True)
    nic_macs = models.JSONField(default=list, blank=True)
    # " tag1 tag2 " (Ganeti tags have no spaces): filterable with `contains` on every engine.
    tags_text = models.TextField(blank=True, default="")
    # What the lists' quick search looks in (search_text() above); written with the row.
    search_text = models.TextField(blank=True, default="", editable=False)
    # Who the VM belongs to (what quotas count), a user or a group; not a permission.
    # Mirrored in Ganeti as the tag gwm:owner:user:<name> or gwm:owner:group:<name>.
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_vms",
    )
    owner_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_vms"
    )
    # The administrators' own notes; GWM's only, never sent to Ganeti.
    notes = models.TextField(blank=True, default="")
    # When a delete from GWM succeeded: the row stays for its log and jobs, off the lists
    # (and off the import tools' "gone from Ganeti"). A sync clears it should Ganeti
    # have a VM of that name again.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cluster", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="vm_unique_name"),
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True) | models.Q(owner_group__isnull=True),
                name="vm_one_owner",
            ),
        ]
        indexes = [
            # VM lists filtered by state and sorted by name (natural order: name_key,
            # then name), per cluster and overall: the index serves the whole ORDER BY
            # of a page's ids (core.listing.TwoStepPaginator), either way.
            models.Index(fields=["status", "name_key", "name"], name="vm_status_key_idx"),
            models.Index(fields=["name_key", "name"], name="vm_name_key_idx"),
            models.Index(fields=["cluster", "name_key", "name"], name="vm_cluster_key_idx"),
            # Filters on a name (exact or prefix) and the ties of the sort.
            models.Index(fields=["name"], name="vm_name_idx"),
            # The count of a list (and of what a user may see: the permission paths
            # test cluster_id and id): a scan of this narrow index, not of the wide
            # rows. The cluster first: as a range on missing and removed_at, MariaDB
            # would read every row through it, one lookup each, to sort a page. The id
            # is in every index on MariaDB and SQLite; PostgreSQL's needs it included
            # for an index-only scan.
            models.Index(
                fields=["cluster", "missing", "removed_at"], include=["id"], name="vm_scope_idx"
            ),
            # Sorts by node: a node's VMs in the list's order (core.grouped_pages),
            # and the VMs counted per node, from the index alone. The cluster and id
            # are what the permission filter tests: included, PostgreSQL counts and
            # walks a user's VMs here without reading the wide rows (MariaDB and
            # SQLite ignore include; their indexes hold the id anyway).
            *(
                models.Index(
                    fields=[node, "missing", "removed_at", "name_key", "name"],
                    include=["cluster", "id"],
                    name=f"vm_{name}_list_idx",
                )
                for node, name in (("primary_node", "node"), ("secondary_node", "secondary"))
            ),
            # The list's other sorts on the VM's own columns: a page's ids in index order.
            *(
                models.Index(fields=[column, "name_key", "name"], name=f"vm_{column}_sort_idx")
                for column in ("memory", "vcpus", "disk_size", "os")
            ),
            # An owner's quota usage on a cluster read from the index alone (quotas/usage.py).
            *[
                models.Index(
                    fields=[
                        "cluster",
                        owner,
                        "removed_at",
                        "missing",
                        "oper_state",
                        "memory",
                        "vcpus",
                        "disk_size",
                    ],
                    name=f"vm_usage_{owner.removeprefix('owner_')}_idx",
                )
                for owner in ("owner_user", "owner_group")
            ],
        ]
        # What may be granted on a VM (see ganeti_webmgr/permissions/rules.py).
        default_permissions = ()
        permissions = [
            ("admin", "Administer the VM; grant and revoke on it"),
            ("power", "Start, stop, reboot; open the console"),
            ("modify", "Change its resources and reinstall it"),
            ("remove", "Delete it"),
            ("tags", "Edit its tags"),
        ]

    def save(self, *args, **kwargs):
        self.search_text = search_text(
            self.name, self.nic_ips, self.nic_macs, self.os, self.tags_text
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def running(self) -> bool:
        return self.oper_state

    @property
    def owner(self):
        """The owning User or Group, or None."""
        return self.owner_user or self.owner_group


class Holding(models.Model):
    """What one owner's VMs on one cluster add up to, as last synced: the quota check
    reads this row instead of summing the owner's VMs (thousands, on a large site).

    Kept by ganeti_webmgr/virtual_machines/holdings.py in the transaction of every
    write that changes what VMs count for (syncs, a job's refresh, owner changes,
    imports, deletions). Counted are VMs neither deleted from GWM nor gone from
    Ganeti; memory and vCPUs twice, of running VMs and of all, for clusters that
    count stopped VMs too. An owner without counted VMs has no row.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    # No foreign key constraint in the database: a sync writes these rows while a quota
    # check holds the owner's row locked (the constraint's check would wait for it),
    # and derived rows need none. Django still deletes them with their owner.
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    owner_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    # Of the running VMs; of all VMs, running or not. MiB for memory and disk.
    ram_running = models.PositiveBigIntegerField(default=0)
    vcpus_running = models.PositiveBigIntegerField(default=0)
    ram_all = models.PositiveBigIntegerField(default=0)
    vcpus_all = models.PositiveBigIntegerField(default=0)
    disk_all = models.PositiveBigIntegerField(default=0)
    vms_all = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True) ^ models.Q(owner_group__isnull=True),
                name="holding_one_owner",
            ),
            # The quota check's lookup of one owner's row, and a cluster's owners.
            models.UniqueConstraint(fields=["cluster", "owner_user"], name="holding_user_once"),
            models.UniqueConstraint(fields=["cluster", "owner_group"], name="holding_group_once"),
        ]

    def __str__(self) -> str:
        return f"holding of {self.owner_user or self.owner_group} on {self.cluster}"
