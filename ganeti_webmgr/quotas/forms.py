"""Setting an owner's quota on a cluster."""

from __future__ import annotations

from django import forms

from ganeti_webmgr.quotas.models import QUOTA_MAX
from ganeti_webmgr.virtual_machines import ownership


def _limit(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=QUOTA_MAX, help_text="Empty: no limit."
    )


class QuotaForm(forms.Form):
    owner = forms.CharField(
        label="Owner", max_length=200, help_text="user:NAME or group:NAME",
        widget=forms.TextInput(attrs={"placeholder": "user:NAME or group:NAME"}),
    )  # fmt: skip
    ram = _limit("Memory (MiB)")
    disk = _limit("Disk (MiB)")
    vcpus = _limit("vCPUs")
    vms = _limit("Virtual machines")
    use_defaults = forms.BooleanField(
        label="Back to the cluster's defaults", required=False,
        help_text="Removes the owner's own quota; the values above are ignored.",
    )  # fmt: skip

    def clean_owner(self):
        owner, error = ownership.parse_owner(self.cleaned_data["owner"])
        if error or owner is None:
            raise forms.ValidationError(
                error or "Owner: a user or a group (user:NAME or group:NAME), not nobody."
            )
        return owner
