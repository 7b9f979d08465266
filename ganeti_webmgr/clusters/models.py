"""Ganeti clusters GWM manages, and what GWM knows of their state."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ganeti_webmgr.clusters import credentials


class Cluster(models.Model):
    slug = models.SlugField(unique=True, help_text="Short name used in URLs and commands.")
    hostname = models.CharField(max_length=255, help_text="The cluster's RAPI host name.")
    port = models.PositiveIntegerField(default=5080)
    description = models.TextField(blank=True)

    # RAPI access. The password is stored encrypted with the credentials key.
    username = models.CharField(max_length=128, blank=True)
    password_encrypted = models.TextField(blank=True, editable=False)
    read_only = models.BooleanField(
        default=False, help_text="Added without write credentials: GWM never writes to it."
    )
    # Off: instances and nodes new in Ganeti wait in the import tools (imports.PendingImport)
    # until an administrator imports them.
    auto_import = models.BooleanField(
        default=True,
        help_text="New instances and nodes found in Ganeti appear in GWM on the next sync.",
    )
    # The demo cluster `make run` and `gwm-manage demo` start: GWM's own RAPI simulator,
    # named as such wherever the cluster is (display_name).
    simulated = models.BooleanField(
        default=False, editable=False, help_text="A simulated cluster (the demo), not Ganeti."
    )
    # TLS trust: a pinned certificate fingerprint, or CA certificates, or the system CAs.
    fingerprint = models.CharField(max_length=95, blank=True)
    ca_certificates = models.TextField(blank=True, help_text="PEM CA bundle")

    # Token the Ganeti hook script presents to ask for a sync (only its hash is kept).
    notify_token_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Quotas given to owners who have none of their own (used by the quota feature).
    default_quota_ram = models.PositiveIntegerField(null=True, blank=True, help_text="MiB")
    default_quota_disk = models.PositiveIntegerField(null=True, blank=True, help_text="MiB")
    default_quota_vcpus = models.PositiveIntegerField(null=True, blank=True)
    default_quota_vms = models.PositiveIntegerField(null=True, blank=True)
    # Off (as GWM 0.11): memory and vCPUs count for running VMs only; on: for all.
    quota_counts_stopped_vms = models.BooleanField(default=False)

    # What the last sync learnt of the cluster itself.
    ganeti_name = models.CharField(max_length=255, blank=True)
    ganeti_version = models.CharField(max_length=32, blank=True)
    features = models.JSONField(default=list, blank=True)
    info = models.JSONField(default=dict, blank=True)  # /2/info as Ganeti sent it
    # Choices for forms (reinstall, the creation wizard): never typed blind.
    operating_systems = models.JSONField(default=list, blank=True)  # "os+variant" names
    operating_systems_at = models.DateTimeField(null=True, blank=True)  # /2/os is costly
    networks = models.JSONField(default=list, blank=True)  # Ganeti networks, summarised

    # Sync state, kept by gwm-worker.
    next_sync_at = models.DateTimeField(default=timezone.now)
    # Extra syncs half a second apart, after Ganeti's hook said something changed: the
    # hook may run a moment before Ganeti's queries show the change.
    quick_syncs = models.PositiveSmallIntegerField(default=0)
    sync_claimed_by = models.CharField(max_length=128, blank=True)
    sync_claimed_until = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)  # last success
    last_sync_duration = models.FloatField(null=True, blank=True)  # seconds
    last_sync_changes = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    node_count = models.PositiveIntegerField(default=0)
    instance_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        # What may be granted on a cluster (see ganeti_webmgr/permissions/rules.py).
        default_permissions = ()
        permissions = [
            ("admin", "Administer the cluster, its nodes and all its VMs; grant and revoke"),
            ("create_vm", "Create virtual machines"),
            ("migrate", "Migrate and evacuate nodes"),
            ("export", "Export virtual machines"),
            ("replace_disks", "Replace disks"),
            ("tags", "Edit the cluster's tags"),
        ]
        indexes = [
            # gwm-worker's "which clusters are due" query.
            models.Index(fields=["next_sync_at"], name="cluster_due_idx"),
        ]

    def __str__(self) -> str:
        # Pages, page titles and the audit log's copies of the name all come through here.
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name shown to people: a simulated cluster never passes for a real one."""
        return f"{self.slug} (simulated)" if self.simulated else self.slug

    @property
    def tags(self) -> list[str]:
        """The cluster's own tags, as the last sync read them (/2/info)."""
        return list((self.info or {}).get("tags") or [])

    @property
    def url(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        return f"https://{host}:{self.port}"

    @property
    def trust_description(self) -> str:
        """How GWM trusts the cluster's certificate (same order as clusters.rapi.trust_for)."""
        if self.fingerprint:
            return f"pinned {self.fingerprint}"
        return "CA certificates" if self.ca_certificates else "system CAs"

    @property
    def trust_text(self) -> str:
        """trust_description in the reader's language (the log keeps the English one)."""
        if self.fingerprint:
            return _("pinned %(fingerprint)s") % {"fingerprint": self.fingerprint}
        return _("CA certificates") if self.ca_certificates else _("system CAs")

    @property
    def password(self) -> str:
        return credentials.decrypt(self.password_encrypted) if self.password_encrypted else ""

    @password.setter
    def password(self, value: str) -> None:
        self.password_encrypted = credentials.encrypt(value) if value else ""

    def new_notify_token(self) -> str:
        """A fresh token for the hook script; only its hash is stored (save() yourself)."""
        token = secrets.token_urlsafe(32)
        self.notify_token_hash = hashlib.sha256(token.encode()).hexdigest()
        return token

    def notify_token_matches(self, token: str) -> bool:
        if not self.notify_token_hash or not token:
            return False
        digest = hashlib.sha256(token.encode()).hexdigest()
        return secrets.compare_digest(digest, self.notify_token_hash)
