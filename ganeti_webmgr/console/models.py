"""Console tickets, open console sessions, and each cluster's console secrets."""

from __future__ import annotations

import asyncssh
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
    # PEM of the CA that signed the nodes' VNC certificates (KVM vnc_tls): with it
    # the proxy speaks VeNCrypt and verifies the node; empty: no TLS offered.
    vnc_tls_ca = models.TextField(blank=True)
    # OpenSSH private key GWM logs in to the nodes with for serial consoles.
    serial_key_encrypted = models.TextField(blank=True, editable=False)
    # The nodes' SSH host keys GWM trusts, in known_hosts format ([addr]:port type key).
    serial_known_hosts = models.TextField(blank=True)
    # A node with no line above has its first key recorded (OpenSSH's accept-new);
    # a changed key is always refused. Off: only the keys put here by an admin.
    serial_accept_new_host_keys = models.BooleanField(default=True)

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

    @property
    def serial_key(self) -> str:
        if not self.serial_key_encrypted:
            return ""
        return credentials.decrypt(self.serial_key_encrypted)

    @serial_key.setter
    def serial_key(self, value: str) -> None:
        self.serial_key_encrypted = credentials.encrypt(value) if value else ""

    def generate_serial_key(self) -> str:
        """A new Ed25519 key for the serial consoles; returns the public key line
        to put in the console user's authorized_keys on every node."""
        key = asyncssh.generate_private_key(
            "ssh-ed25519", comment=f"gwm-console@{self.cluster.slug}"
        )
        self.serial_key = key.export_private_key().decode()
        return self.serial_public_key()

    def serial_public_key(self) -> str:
        if not self.serial_key_encrypted:
            return ""
        key = asyncssh.import_private_key(self.serial_key)
        return key.export_public_key().decode().strip()


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
