"""Audit log entries and the objects each one concerns.

Entries outlive what they name: the actor's user name and each target's text are
copied, so deleting a user, a VM or a cluster leaves its history readable.
Written only through ganeti_webmgr.audit.change() and record(); no view edits or deletes them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from ganeti_webmgr.core.sorting import NameKeyField
from ganeti_webmgr.jobs.models import Job


class Entry(models.Model):
    time = models.DateTimeField(default=timezone.now, db_index=True)  # the global log's order
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        db_index=False,  # audit_actor_id_time_idx starts with it
    )
    actor_name = models.CharField(max_length=150, blank=True)  # kept when the user goes
    # name_key(actor_name): the log sorted by user in natural order, and its user filter.
    actor_key = NameKeyField()
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    # What the actor acted through, when not the web pages: an API token's label.
    via = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)  # a code from audit.actions.ACTIONS
    message = models.TextField(blank=True)
    # {field: [before, after]} for edits of GWM's own objects; secrets masked by record().
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    # Copied from the job when it ends (audit.job_finished), kept after the job row goes.
    job_status = models.CharField(max_length=16, blank=True)
    job_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name_plural = "entries"
        indexes = [
            # The global log filtered or sorted by action, newest first.
            models.Index(fields=["action", "time"], name="audit_action_time_idx"),
            # By user: filtered (actor_key and actor_name) or sorted (actor_key, time).
            models.Index(fields=["actor_key", "time"], name="audit_actor_key_time_idx"),
            # A user's log: what they did, newest first (audit.paging.EntrySource).
            models.Index(fields=["actor", "time"], name="audit_actor_id_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor_name or '-'} {self.action}"


# Short names of target types, as the log shows them and its "type" filter takes them.
TYPE_KEYS = {"virtualmachine": "vm"}


class Target(models.Model):
    """One object an entry concerns (a VM, its cluster, a user...)."""

    # No single-column indexes: audit_target_unique starts with entry (an entry's
    # targets), audit_object_idx with content_type.
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="targets", db_index=False
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # GWM's models all have integer keys: an integer column keeps "the log of object X"
    # a plain indexed lookup and lets the permission layer's id subqueries compare
    # without casts.
    object_pk = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=255)  # str(obj) when recorded
    # The entry's time, copied: an object's log is read from this table alone, in
    # index order, however few of the log's entries name the object.
    time = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "content_type", "object_pk"], name="audit_target_unique"
            )
        ]
        indexes = [
            # "The log of object X", newest first (audit.paging.TargetSource).
            models.Index(
                fields=["content_type", "object_pk", "time", "entry"], name="audit_object_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.object_repr

    @property
    def type_key(self) -> str:
        # get_for_id is served from ContentType's cache: no query per row.
        model = ContentType.objects.get_for_id(self.content_type_id).model
        return TYPE_KEYS.get(model, model)
