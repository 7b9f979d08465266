from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.vmkeys.models import KeyParameter

# Ganeti's OS and parameter names: what parameters.list and variants.list hold.
OS_NAME = re.compile(r"[A-Za-z0-9][\w.-]*(\+[\w.-]+)?")
PARAMETER = re.compile(r"[A-Za-z_][\w-]*")


class KeyParameterForm(forms.ModelForm):
    class Meta:
        model = KeyParameter
        fields = ["os", "parameter", "layout"]
        labels = {
            "os": gettext_lazy("Operating system"),
            "parameter": gettext_lazy("OS parameter"),
            "layout": gettext_lazy("Keys"),
        }
        help_texts = {
            "os": gettext_lazy(
                "As Ganeti names it: image (all its variants) or image+debian (one variant)."
            ),
            "parameter": gettext_lazy(
                "The parameter the OS's create script reads keys from, e.g. ssh_key."
            ),
            "layout": gettext_lazy("As the OS's create script reads the parameter."),
        }

    def __init__(self, *args, cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)
        self.fields["layout"].required = False  # left out: one line each

    def clean_layout(self) -> str:
        return self.cleaned_data.get("layout") or KeyParameter.Layout.LINES

    def clean_os(self) -> str:
        os = self.cleaned_data["os"].strip()
        if not OS_NAME.fullmatch(os):
            raise forms.ValidationError(_("An OS name, e.g. image or image+debian."))
        return os

    def clean_parameter(self) -> str:
        parameter = self.cleaned_data["parameter"].strip()
        if not PARAMETER.fullmatch(parameter):
            raise forms.ValidationError(_("A parameter name: letters, digits, _ and -."))
        return parameter

    def validate_unique(self) -> None:
        # The cluster is not a field: say it here rather than fail at save().
        taken = KeyParameter.objects.filter(cluster=self.cluster, os=self.cleaned_data.get("os"))
        if taken.exists():
            self.add_error("os", _("This OS has a mapping already; remove it first."))
