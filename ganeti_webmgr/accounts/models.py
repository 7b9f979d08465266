"""What GWM adds to Django's users and groups: group descriptions and administrators,
and users' SSH public keys (to be pushed to the VMs they create)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models


class GroupProfile(models.Model):
    """GWM's side of a Django group (an organisation). Groups made elsewhere may lack one."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="profile")
    description = models.TextField(blank=True)
    # Users who may add and remove this group's members (not necessarily members themselves).
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_groups"
    )

    def __str__(self) -> str:
        return self.group.name

    @classmethod
    def of(cls, group: Group) -> GroupProfile:
        profile, _ = cls.objects.get_or_create(group=group)
        return profile


class SshKey(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ssh_keys"
    )
    name = models.CharField(max_length=100)
    # One line, normalised by accounts.sshkeys.parse: "<type> <base64> [comment]".
    key = models.TextField()
    fingerprint = models.CharField(max_length=64)  # "SHA256:...", as ssh-keygen -l shows it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="sshkey_unique_key"),
            models.UniqueConstraint(fields=["user", "name"], name="sshkey_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.fingerprint})"

    @property
    def key_type(self) -> str:
        return self.key.split(" ", 1)[0]


class ListPreference(models.Model):
    """What a user chose to see on one list (its columns, its page size), remembered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_preferences"
    )
    list_name = models.CharField(max_length=40)  # a core.listing.ListSpec's name
    columns = models.JSONField(default=list)  # column keys, [] for the list's defaults
    page_size = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "list_name"], name="listpref_unique_list")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.list_name}"


class UserProfile(models.Model):
    """GWM's side of a user: what they chose for themselves. Users may lack one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # A code of settings.LANGUAGES; "" follows the browser (Accept-Language).
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return str(self.user)
