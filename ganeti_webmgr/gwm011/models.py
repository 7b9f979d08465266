"""What the import read of 0.11's VMs before GWM has their rows, and what it imported
of 0.11's object log.

GWM has a VM's row only after its cluster's first sync, which waits for an
administrator to confirm the cluster's certificate; the owner and grants 0.11 had
on the VM wait here until then (claims.py applies them).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster


class VMClaim(models.Model):
    """A 0.11 VM's owner and grants, waiting for GWM's row of the VM (or applied)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    vm_name = models.CharField(max_length=255)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [["user" or "group", GWM pk, [GWM permission codes]], ...]
    grants = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)  # None: the VM has no row yet
    # What could not be applied as 0.11 had it (an owner GWM has set otherwise).
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["cluster", "vm_name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "vm_name"], name="vmclaim_unique_vm")
        ]
        indexes = [
            # The claims a sync of the cluster may apply (claims.apply_waiting).
            models.Index(
                fields=["cluster"], condition=models.Q(applied_at=None), name="vmclaim_waiting_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vm_name} on {self.cluster}"

    @property
    def owner(self):
        return self.owner_user or self.owner_group


class ImportedLogItem(models.Model):
    """A row of 0.11's object log imported as an audit entry: a re-run skips it."""

    item_id = models.PositiveBigIntegerField(unique=True)  # object_log_logitem.id
    entry = models.ForeignKey(Entry, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"0.11 log item {self.item_id}"
