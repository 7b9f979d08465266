"""Ganeti nodes and node groups, as last synced."""

from __future__ import annotations

from django.db import models

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.sorting import NameKeyField, name_key


class SyncedFromGaneti(models.Model):
    """What every object copied from a cluster has: its record, and whether it vanished."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    # What lists sort by (natural order); the sync writes it with the name.
    name_key = NameKeyField()
    uuid = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list, blank=True)
    ctime = models.FloatField(null=True, blank=True)  # Ganeti's epoch seconds, kept exact
    mtime = models.FloatField(null=True, blank=True)
    serial_no = models.PositiveIntegerField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)  # Ganeti's record, for detail pages
    # What sync compares (see inventory.reconcile): written with the row.
    sync_key = models.TextField(blank=True, default="", editable=False)
    # Gone from Ganeti: kept, marked, until an administrator decides (import tools).
    missing = models.BooleanField(default=False)
    missing_since = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)  # last written by a sync

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class NodeGroup(SyncedFromGaneti):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="node_groups")
    alloc_policy = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["cluster", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="nodegroup_unique_name")
        ]


class Node(SyncedFromGaneti):
    class Role(models.TextChoices):
        MASTER = "master"
        MASTER_CANDIDATE = "master-candidate"
        REGULAR = "regular"
        DRAINED = "drained"
        OFFLINE = "offline"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="nodes")
    group = models.ForeignKey(
        NodeGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="nodes"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    offline = models.BooleanField(default=False)
    drained = models.BooleanField(default=False)
    master_candidate = models.BooleanField(default=False)
    vm_capable = models.BooleanField(default=True)
    primary_ip = models.CharField(max_length=64, blank=True)
    secondary_ip = models.CharField(max_length=64, blank=True)
    memory_total = models.PositiveIntegerField(null=True, blank=True)  # MiB
    memory_free = models.PositiveIntegerField(null=True, blank=True)
    disk_total = models.PositiveBigIntegerField(null=True, blank=True)  # MiB
    disk_free = models.PositiveBigIntegerField(null=True, blank=True)
    cpu_total = models.PositiveIntegerField(null=True, blank=True)
    primary_count = models.PositiveIntegerField(default=0)
    secondary_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cluster", "name"]
        constraints = [models.UniqueConstraint(fields=["cluster", "name"], name="node_unique_name")]
        indexes = [
            # A cluster's node list, in natural order.
            models.Index(fields=["cluster", "name_key"], name="node_name_key_idx"),
        ]
