"""Forms of the VM pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.virtual_machines import hvparams
from ganeti_webmgr.virtual_machines.models import VirtualMachine

OS_PARAM = re.compile(r"[A-Za-z0-9_.-]{1,64}")
DEFAULT = "default"  # the value that makes Ganeti drop an instance's own setting


class ParametersForm(forms.Form):
    """Change a VM's OS, OS parameters and hypervisor parameters in one Ganeti job.

    Hypervisor parameters come from the last sync (every one Ganeti reports, typed
    like its value); the OS list from the cluster's. Only what changed is sent.
    """

    os_name = forms.ChoiceField(label=gettext_lazy("Operating system"), required=False)
    osparams_set = forms.CharField(
        label=gettext_lazy("Set OS parameters"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": gettext_lazy("name=value, one per line")}
        ),
    )
    osparams_reset = forms.CharField(
        label=gettext_lazy("Reset OS parameters to the cluster's values"),
        required=False,
        help_text=gettext_lazy("Names, separated by spaces."),
    )

    def __init__(self, vm: VirtualMachine, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vm = vm
        known = list(vm.cluster.operating_systems)
        if vm.os and vm.os not in known:
            known.insert(0, vm.os)
        self.fields["os_name"].choices = [(name, name) for name in known]
        self.fields["os_name"].initial = vm.os
        raw = vm.raw or {}
        # None (unset) is shown and compared as an empty text.
        self.current: dict[str, Any] = {
            k: "" if v is None else v for k, v in (raw.get("hvparams") or {}).items()
        }
        self.custom: dict[str, Any] = dict(raw.get("custom_hvparams") or {})
        self.hypervisor = vm.hypervisor or hvparams.guess_hypervisor(self.current, "")
        self.hv_keys = hvparams.ordered(self.current)
        for key in self.hv_keys:
            self.fields[f"hv_{key}"] = hypervisor_field(self.hypervisor, key, self.current[key])
            if key in self.custom:
                self.fields[f"reset_{key}"] = forms.BooleanField(
                    label=_("use the cluster's value for %(key)s") % {"key": key},
                    required=False,
                )

    def hv_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField | None]]:
        """(name, value field, reset field or None) for the template."""
        return [
            (key, self[f"hv_{key}"], self[f"reset_{key}"] if key in self.custom else None)
            for key in self.hv_keys
        ]

    def clean_osparams_set(self) -> dict[str, str]:
        values = {}
        for number, line in enumerate(self.cleaned_data["osparams_set"].splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            name = name.strip()
            if not sep or not OS_PARAM.fullmatch(name):
                raise forms.ValidationError(
                    _("Line %(number)s: write name=value (%(line)r).")
                    % {"number": number, "line": line.strip()}
                )
            if value.strip() == DEFAULT:
                raise forms.ValidationError(
                    _("Line %(number)s: to reset %(name)s, name it in the reset field.")
                    % {"number": number, "name": name}
                )
            values[name] = value.strip()
        return values

    def clean_osparams_reset(self) -> list[str]:
        names = self.cleaned_data["osparams_reset"].split()
        bad = [n for n in names if not OS_PARAM.fullmatch(n)]
        if bad:
            raise forms.ValidationError(_("%(name)r is not a parameter name.") % {"name": bad[0]})
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        both = set(data.get("osparams_set") or {}) & set(data.get("osparams_reset") or [])
        if both:
            self.add_error(
                "osparams_reset",
                _("%(name)s is both set and reset.") % {"name": sorted(both)[0]},
            )
        if not self.errors and not self.changes():
            raise forms.ValidationError(_("Nothing to change."))
        return data

    def changes(self) -> dict[str, Any]:
        """The modify request's parameters: only what differs from the VM's state."""
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data.get("os_name") and data["os_name"] != self.vm.os:
            params["os_name"] = data["os_name"]
        osparams = dict(data.get("osparams_set") or {})
        osparams.update({name: DEFAULT for name in data.get("osparams_reset") or []})
        if osparams:
            params["osparams"] = osparams
        hv = {}
        for key in self.hv_keys:
            if data.get(f"reset_{key}"):
                hv[key] = DEFAULT
            elif f"hv_{key}" in data and data[f"hv_{key}"] != self.current[key]:
                hv[key] = data[f"hv_{key}"]
        if hv:
            params["hvparams"] = hv
        return params


def hypervisor_field(hypervisor: str, key: str, value: Any) -> forms.Field:
    """A field typed like the parameter's current value."""
    label = key.replace("_", " ")
    if isinstance(value, bool):
        return forms.TypedChoiceField(
            label=label,
            choices=[("true", gettext_lazy("yes")), ("false", gettext_lazy("no"))],
            coerce=lambda text: text == "true",
            initial="true" if value else "false",
        )
    if isinstance(value, int):
        return forms.IntegerField(label=label, initial=value)
    options = hvparams.choices(hypervisor, key)
    if options is not None:
        if value not in options:
            options = [value, *options]
        return forms.ChoiceField(
            label=label,
            choices=[(o, o or _("(none)")) for o in options],
            initial=value,
            required=False,
        )
    return forms.CharField(label=label, initial=value, required=False, max_length=1024)
