"""Ganeti instances (virtual machines), as last synced."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node, SyncedFromGaneti


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
            # would read every row through it, one lookup each, to sort a page.
            models.Index(fields=["cluster", "missing", "removed_at"], name="vm_scope_idx"),
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

    @property
    def running(self) -> bool:
        return self.oper_state

    @property
    def owner(self):
        """The owning User or Group, or None."""
        return self.owner_user or self.owner_group
