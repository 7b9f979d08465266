"""Grants, the audit log and console tickets as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from ganeti_webmgr.audit.models import Entry

# Named in SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES: one schema enum each.
HOLDER_KINDS = ("user", "group")
CONSOLE_KINDS = ("vnc", "serial")


class GrantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HOLDER_KINDS)
    name = serializers.CharField(help_text="The user name or the group's name.")
    permissions = serializers.ListField(child=serializers.CharField())


class GrantsSerializer(serializers.Serializer):
    """Who holds which permission on the object (superusers, who hold all, aside)."""

    grantable = serializers.ListField(
        child=serializers.CharField(), help_text="The permissions there are on the object."
    )
    holders = GrantSerializer(many=True)


class TargetSerializer(serializers.Serializer):
    type = serializers.CharField(source="type_key", help_text="cluster, vm, node, user, group, job")
    name = serializers.CharField(source="object_repr", help_text="Its name when recorded.")


class EntrySerializer(serializers.ModelSerializer):
    """An audit entry (its target_rows prefetched and ganeti_job_id annotated:
    audit.queries.entries)."""

    actor = serializers.CharField(
        source="actor_name", help_text="The user's name when recorded; blank: GWM itself."
    )
    via = serializers.CharField(help_text="The API token's label, when made with one.")
    targets = TargetSerializer(source="target_rows", many=True)
    job = serializers.IntegerField(
        source="ganeti_job_id", allow_null=True, help_text="The Ganeti job's number."
    )
    changes = serializers.JSONField(help_text="{field: [before, after]}, secrets masked.")

    class Meta:
        model = Entry
        fields = [
            "id",
            "time",
            "actor",
            "source_ip",
            "action",
            "message",
            "targets",
            "job",
            "job_status",
            "job_error",
            "via",
            "changes",
        ]


class ConsoleRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CONSOLE_KINDS, default="vnc")


class ConsoleTicketSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CONSOLE_KINDS)
    ticket = serializers.CharField(help_text="Good for one connection.")
    url = serializers.CharField(
        help_text="The console's websocket, with the ticket: wss:// (ws:// over plain http)."
    )
    expires_in = serializers.IntegerField(help_text="Seconds the ticket stays redeemable.")
