"""What Ganeti has and GWM does not import by itself: the import tools' waiting list."""

from __future__ import annotations

from django.db import models

from ganeti_webmgr.clusters.models import Cluster


class PendingImport(models.Model):
    """An instance or node found in Ganeti on a cluster whose auto_import is off.

    Rewritten by every full sync (ganeti_webmgr/inventory/pending.py), so the list is
    what Ganeti has now: a record that changed is rewritten, one gone from Ganeti or
    given a row meanwhile is dropped, an unchanged one is not written at all.
    """

    class Kind(models.TextChoices):
        VM = "vm", "virtual machine"
        NODE = "node", "node"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="pending_imports")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    name = models.CharField(max_length=255)
    uuid = models.CharField(max_length=64, blank=True)
    raw = models.JSONField(default=dict, blank=True)  # Ganeti's record, imported as is
    # The sync's own key for the record (inventory.reconcile.Mapping.key): unchanged, not written.
    sync_key = models.TextField(blank=True, default="", editable=False)
    first_seen = models.DateTimeField()
    synced_at = models.DateTimeField()  # last written: the record as Ganeti had it then

    class Meta:
        ordering = ["cluster", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "kind", "name"], name="pendingimport_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
