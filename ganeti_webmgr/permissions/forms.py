from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _


class GrantForm(forms.Form):
    """Set the permissions of one user or group on one object (none: revoke all)."""

    holder_kind = forms.ChoiceField(
        choices=[("user", _("User")), ("group", _("Group"))],
        widget=forms.RadioSelect,
        initial="user",
        label=_("Grant to"),
    )
    holder_name = forms.CharField(max_length=150, label=_("User or group name"))
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = choices

    def clean(self):
        data = super().clean()
        kind, name = data.get("holder_kind"), data.get("holder_name")
        if kind == "user" and name:
            data["holder"] = User.objects.filter(username=name, is_active=True).first()
            if data["holder"] is None:
                self.add_error(
                    "holder_name", _("There is no active user named %(name)r.") % {"name": name}
                )
        elif kind == "group" and name:
            data["holder"] = Group.objects.filter(name=name).first()
            if data["holder"] is None:
                self.add_error(
                    "holder_name", _("There is no group named %(name)r.") % {"name": name}
                )
        return data
