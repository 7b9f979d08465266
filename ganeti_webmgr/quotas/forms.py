"""Setting an owner's quota on a cluster."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.quotas.models import QUOTA_MAX
from ganeti_webmgr.virtual_machines import ownership


def _limit(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=QUOTA_MAX,
        help_text=gettext_lazy("Empty: no limit."),
    )


class QuotaForm(forms.Form):
    owner = forms.CharField(
        label=gettext_lazy("Owner"), max_length=200,
        help_text=gettext_lazy("user:NAME or group:NAME"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("user:NAME or group:NAME")}),
    )  # fmt: skip
    ram = _limit(gettext_lazy("Memory (MiB)"))
    disk = _limit(gettext_lazy("Disk (MiB)"))
    vcpus = _limit("vCPUs")
    vms = _limit(gettext_lazy("Virtual machines"))
    use_defaults = forms.BooleanField(
        label=gettext_lazy("Back to the cluster's defaults"), required=False,
        help_text=gettext_lazy("Removes the owner's own quota; the values above are ignored."),
    )  # fmt: skip

    def clean_owner(self):
        owner, error = ownership.parse_owner(self.cleaned_data["owner"])
        if error or owner is None:
            raise forms.ValidationError(
                error or _("Owner: a user or a group (user:NAME or group:NAME), not nobody.")
            )
        return owner
