"""Quota usage as the API shows it: per resource what is used and its limit."""

from __future__ import annotations

from rest_framework import serializers

from ganeti_webmgr.quotas.models import RESOURCES

OWNER_HELP = '"alice" for a user, "group:ops" for a group, as the web\'s owner fields write it.'


class AmountSerializer(serializers.Serializer):
    """Memory and disk in MiB."""

    ram = serializers.IntegerField()
    disk = serializers.IntegerField()
    vcpus = serializers.IntegerField()
    vms = serializers.IntegerField()


class LimitsSerializer(serializers.Serializer):
    """Per resource its limit (memory and disk in MiB), null for no limit."""

    ram = serializers.IntegerField(allow_null=True)
    disk = serializers.IntegerField(allow_null=True)
    vcpus = serializers.IntegerField(allow_null=True)
    vms = serializers.IntegerField(allow_null=True)


class OwnerQuotaSerializer(serializers.Serializer):
    used = AmountSerializer(help_text="Synced VMs plus what running jobs have reserved.")
    limits = LimitsSerializer()
    own_quota = serializers.BooleanField(
        help_text="The owner's own quota; false: the cluster's defaults apply."
    )
    over = serializers.ListField(
        child=serializers.ChoiceField(choices=RESOURCES),
        help_text="The resources used beyond their limit.",
    )


class OwnerUsageSerializer(OwnerQuotaSerializer):
    owner = serializers.CharField(help_text=OWNER_HELP)
    kind = serializers.ChoiceField(choices=("user", "group"))  # records.HOLDER_KINDS


class ClusterQuotasSerializer(serializers.Serializer):
    cluster = serializers.CharField()
    defaults = LimitsSerializer(help_text="The cluster's default quota.")
    counts_stopped_vms = serializers.BooleanField(
        help_text="Memory and vCPUs of stopped VMs count too (else running ones only)."
    )
    owners = OwnerUsageSerializer(many=True)


def limits_data(limits) -> dict:
    return {r: getattr(limits, r) for r in RESOURCES}


def usage_data(usage) -> dict:
    """An usage.OwnerUsage as OwnerQuotaSerializer's data."""
    return {
        "used": {r: getattr(usage.used, r) for r in RESOURCES},
        "limits": limits_data(usage.limits),
        "own_quota": usage.limits.own,
        "over": usage.over,
    }
