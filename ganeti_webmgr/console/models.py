"""Console tickets, open console sessions, and each cluster's console secrets."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ganeti_webmgr.clusters import credentials
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.virtual_machines.models import VirtualMachine

KINDS = [("vnc", "VNC"), ("serial", "serial console")]


class ClusterConsole(models.Model):
    """What the proxy needs to open a cluster's consoles; secrets encrypted at rest."""

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, related_name="console")
    # The password of the hypervisor's vnc_password_file, the same on every node.
    vnc_password_encrypted = models.TextField(blank=True, editable=False)

    def __str__(self) -> str:
        return f"console settings of {self.cluster}"

    @property
    def vnc_password(self) -> str:
        if not self.vnc_password_encrypted:
            return ""
        return credentials.decrypt(self.vnc_password_encrypted)

    @vnc_password.setter
    def vnc_password(self, value: str) -> None:
        self.vnc_password_encrypted = credentials.encrypt(value) if value else ""


class ConsoleTicket(models.Model):
    """A one-time pass from the console page to its websocket, valid for seconds."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    virtual_machine = models.ForeignKey(VirtualMachine, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=KINDS)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="console_ticket_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.kind} ticket of {self.user} for {self.virtual_machine}"


class ConsoleSession(models.Model):
    """An open (or ended) console session, for limits and the audit entry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    virtual_machine = models.ForeignKey(VirtualMachine, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=KINDS)
    client_addr = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    # Refreshed while the session runs: a session whose process died stops counting.
    seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, blank=True)
    to_server = models.PositiveBigIntegerField(default=0)
    to_browser = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="console_session_open_idx")]

    def __str__(self) -> str:
        return f"{self.kind} console of {self.user} on {self.virtual_machine}"
