"""Ganeti jobs started from GWM, followed by gwm-worker to their end."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine


class Job(models.Model):
    """A Ganeti job GWM asked for: first a request that gwm-worker submits (status
    submitting, no job_id yet), then Ganeti's job, followed to its end."""

    class Status(models.TextChoices):
        SUBMITTING = "submitting"  # recorded by GWM; gwm-worker sends it to Ganeti
        NOT_STARTED = "not_started", "not started"  # Ganeti never took it: nothing ran
        QUEUED = "queued"
        WAITING = "waiting"
        RUNNING = "running"
        CANCELING = "canceling"
        SUCCESS = "success"
        ERROR = "error"
        CANCELED = "canceled"
        # GWM stopped following it after errors; Ganeti's own state of it is unknown.
        UNKNOWN = "unknown", "unknown (no longer followed)"

    class TargetKind(models.TextChoices):
        CLUSTER = "cluster"
        NODE = "node"
        VIRTUAL_MACHINE = "vm"

    FINAL = (Status.SUCCESS, Status.ERROR, Status.CANCELED, Status.NOT_STARTED, Status.UNKNOWN)

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="jobs")
    # None until gwm-worker has submitted the request and Ganeti answered with an id.
    job_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="Ganeti's job id")
    # The request, as the action layer validated it (ganeti_webmgr/actions/): what
    # gwm-worker submits. Empty for jobs recorded after Ganeti had already answered.
    action = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # Sent to Ganeti as the job's reason, so a submission whose answer was lost can be
    # found in Ganeti's queue instead of being sent twice.
    reason = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # the last submission attempt began
    submit_attempts = models.PositiveIntegerField(default=0)
    submit_deadline = models.DateTimeField(null=True, blank=True)  # then: not started
    operations = models.JSONField(default=list, blank=True)  # Ganeti's summaries, one per op
    virtual_machine = models.ForeignKey(
        VirtualMachine, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    # What the job acts on, by name: survives the target's removal, and names a VM being created.
    target_kind = models.CharField(
        max_length=8, choices=TargetKind.choices, default=TargetKind.CLUSTER
    )
    target_name = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ganeti_jobs",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    log = models.JSONField(default=list, blank=True)  # [[serial, time, kind, message], ...]
    opresult = models.JSONField(default=list, blank=True)
    error_class = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)  # Ganeti's timestamps
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # An error someone has seen: hidden from the dashboard, kept in lists and the log.
    acknowledged = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Following, by gwm-worker (claimed by a conditional UPDATE with a lease).
    finished = models.BooleanField(default=False)
    follow_claimed_by = models.CharField(max_length=128, blank=True)
    follow_claimed_until = models.DateTimeField(null=True, blank=True)
    follow_errors = models.PositiveIntegerField(default=0)  # in a row, submitting or following
    # Since when submitting or following has failed without a break; GWM gives up
    # on the job after worker.jobs.GIVE_UP_AFTER.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # the latest of those failures
    next_follow_at = models.DateTimeField(default=timezone.now)
    followed_at = models.DateTimeField(null=True, blank=True)  # GWM first read it from Ganeti
    finished_at = models.DateTimeField(null=True, blank=True)  # GWM recorded its end
    # Cancel: the web records the wish, gwm-worker sends it to Ganeti.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_sent_at = models.DateTimeField(null=True, blank=True)
    cancel_result = models.CharField(max_length=255, blank=True)  # Ganeti's answer

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["cluster", "job_id"], name="job_unique_id")]
        indexes = [
            # gwm-worker's "jobs to follow" query.
            models.Index(fields=["finished", "next_follow_at"], name="job_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} job {self.job_id}"

    def get_absolute_url(self) -> str:
        if self.job_id is None:
            return reverse("job-request", args=[self.cluster.slug, self.pk])
        return reverse("job-detail", args=[self.cluster.slug, self.job_id])

    @property
    def summary(self) -> str:
        """Ganeti's summaries of its operations (English, as recorded), else what it is."""
        if self.operations:
            return ", ".join(self.operations)
        if self.job_id:
            return _("job %(id)s") % {"id": self.job_id}
        return _("request being submitted")

    @property
    def status_text(self) -> str:
        """The status as pages show it: Ganeti's words, and "not started"."""
        return self.status.replace("_", " ")

    @property
    def submitting(self) -> bool:
        return self.status == self.Status.SUBMITTING

    @property
    def cancel_pending(self) -> bool:
        """Cancel asked for and not yet answered by Ganeti."""
        return bool(self.cancel_requested_at) and not self.cancel_sent_at
