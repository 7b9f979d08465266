"""How users' SSH keys reach the machines: per cluster, the OS parameter the keys
are put in when a VM is created, and the token of the cluster's key feed."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr.clusters.models import Cluster


class KeyParameter(models.Model):
    """At creation with this OS, the requester's keys go into this OS parameter."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="ssh_key_parameters"
    )
    # An OS as Ganeti names it: "image" (all its variants) or "image+debian" (one).
    os = models.CharField(max_length=128)
    parameter = models.CharField(max_length=64)

    class Layout(models.TextChoices):
        # What the OS's create script expects in the parameter.
        LINES = "lines", _("all keys, one authorized_keys line each")
        COMMAS = "commas", _("all keys, comma-separated (without their comments)")
        FIRST = "first", _("the oldest key only")

    layout = models.CharField(max_length=8, choices=Layout.choices, default=Layout.LINES)
    # [parameter] when Ganeti last found it declared by the OS (vmkeys.mapping.check),
    # [] when it did not.
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

    def value(self, lines: list[str]) -> str:
        """The parameter's value for these authorized_keys lines (oldest first)."""
        if self.layout == self.Layout.FIRST:
            return lines[0]
        if self.layout == self.Layout.COMMAS:
            # A comment may hold a comma: only "type data" of each key.
            return ",".join(" ".join(line.split()[:2]) for line in lines)
        return "\n".join(lines)


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
