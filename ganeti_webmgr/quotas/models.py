"""Quotas of VM owners (a user or a group) per cluster, and the amounts that
recorded jobs have reserved until they end."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator
from django.db import models

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job

# Large enough for any cluster (MiB: 2 EiB), small enough for every database's integer.
QUOTA_MAX = 2**31 - 1
RESOURCES = ("ram", "disk", "vcpus", "vms")


def _limit(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(QUOTA_MAX)], help_text=label
    )


class OwnedOnCluster(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__.lower()} of {self.owner} on {self.cluster}"

    @property
    def owner(self):
        return self.owner_user or self.owner_group


class Quota(OwnedOnCluster):
    """An owner's own limits on a cluster, instead of the cluster's defaults. Each
    resource: a number, or None for no limit (explicitly: the row exists)."""

    ram = _limit("MiB of memory")
    disk = _limit("MiB of disk")
    vcpus = _limit("vCPUs")
    vms = _limit("virtual machines")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True) ^ models.Q(owner_group__isnull=True),
                name="quota_one_owner",
            ),
            models.UniqueConstraint(fields=["cluster", "owner_user"], name="quota_user_once"),
            models.UniqueConstraint(fields=["cluster", "owner_group"], name="quota_group_once"),
        ]


class Reservation(OwnedOnCluster):
    """What a recorded job adds to its owner's usage until it ends (then the synced
    state has it, or it never happened). Amounts are what it adds, never less than 0."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="quota_reservation")
    ram = models.PositiveIntegerField(default=0)
    disk = models.PositiveBigIntegerField(default=0)
    vcpus = models.PositiveIntegerField(default=0)
    vms = models.PositiveIntegerField(default=0)
    # Asked beyond the quota by a superuser or cluster admin (audited with the job).
    overridden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["cluster", "owner_user"], name="reservation_user_idx"),
            models.Index(fields=["cluster", "owner_group"], name="reservation_group_idx"),
        ]
