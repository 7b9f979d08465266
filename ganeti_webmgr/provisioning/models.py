"""What the creation wizard submitted, and the templates it can be filled from."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job


class CreationRequest(models.Model):
    """One submission of the wizard: one VM, or several with a name pattern.

    Keeps the form's values so a failed creation can be fixed and resubmitted, and
    the owner, who is given admin on each VM when its creation job succeeds.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    names = models.JSONField(default=list)
    values = models.JSONField(default=dict)  # the wizard's form data, as submitted
    # The creation job, or the multi-allocation job and then one job per VM.
    jobs = models.ManyToManyField(Job, related_name="creation_requests")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"creation of {', '.join(self.names)}"

    @property
    def owner(self):
        return self.owner_user or self.owner_group


class VMTemplate(models.Model):
    """Saved wizard values (all but the name and owner), per cluster."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="vm_templates")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    values = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cluster", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="vmtemplate_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
