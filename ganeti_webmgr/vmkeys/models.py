"""How users' SSH keys reach the machines: per cluster, the OS parameter the keys
are put in when a VM is created, and the token of the cluster's key feed."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from ganeti_webmgr.clusters.models import Cluster


class KeyParameter(models.Model):
    """At creation with this OS, the requester's keys go into this OS parameter."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="ssh_key_parameters"
    )
    # An OS as Ganeti names it: "image" (all its variants) or "image+debian" (one).
    os = models.CharField(max_length=128)
    parameter = models.CharField(max_length=64)
    # Some OS definitions take one key, not authorized_keys lines.
    first_key_only = models.BooleanField(default=False)
    # The OS's declared parameters (its parameters.list) when last read from Ganeti.
    declared = models.JSONField(default=list)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["os"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "os"], name="keyparameter_unique_os"),
        ]

    def __str__(self) -> str:
        return f"{self.os}: {self.parameter}"

    @property
    def base_os(self) -> str:
        return self.os.partition("+")[0]

    @property
    def is_declared(self) -> bool:
        return self.parameter in self.declared


class KeyFeed(models.Model):
    """The token node and VM scripts present to read the cluster's keys (its hash only)."""

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, related_name="key_feed")
    token_hash = models.CharField(max_length=64, editable=False)
    rotated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"key feed of {self.cluster}"

    def new_token(self) -> str:
        """A fresh token, replacing the old one; only its hash is stored (save() yourself)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _digest(token)
        self.rotated_at = timezone.now()
        return token

    def matches(self, token: str) -> bool:
        if not self.token_hash or not token:
            return False
        return secrets.compare_digest(_digest(token), self.token_hash)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
