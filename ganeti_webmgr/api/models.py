"""API tokens: a user's keys for scripts, stored as hashes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Token(models.Model):
    """A user's API token. The secret is shown once, when the token is made; only its
    SHA-256 is kept (the secret is 256 random bits: a fast hash is enough)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    # The token's public part, "gwm_<key_id>_<secret>": finds the row without the secret.
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    # False: reads only (GET, HEAD, OPTIONS).
    write = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Networks it may be used from, one CIDR per entry; empty: anywhere.
    allowed_ips = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The throttle's fixed window (its start, whole seconds) and the requests in it.
    window_start = models.BigIntegerField(default=0)
    window_requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (gwm_{self.key_id})"

    @property
    def label(self) -> str:
        """How the audit log and the lists name it."""
        return f"API token {self.name!r} (gwm_{self.key_id})"

    def state(self, now=None) -> str:
        """ "active", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
