"""The import tools' forms: a selection of names from one list, and an owner."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr.imports.services import FROM_TAG, MAX_SELECTION
from ganeti_webmgr.virtual_machines import ownership


class NamesField(forms.Field):
    """The ticked checkboxes (name="name"), as a list of names."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


class SelectionForm(forms.Form):
    """Names that must all be in `candidates` (one category of one cluster)."""

    name = NamesField(
        required=True, error_messages={"required": _("Select at least one (tick its box).")}
    )
    # What a name not in the list means, in this category.
    not_listed = _("not in this list (anymore): {names}")

    def __init__(self, *args, candidates: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_name(self) -> list[str]:
        names = self.cleaned_data["name"]
        if len(names) > MAX_SELECTION:
            raise forms.ValidationError(
                _("Select at most %(max)s at a time (%(count)s selected).")
                % {"max": MAX_SELECTION, "count": len(names)}
            )
        known = set(self.candidates.filter(name__in=names).values_list("name", flat=True))
        unknown = [n for n in names if n not in known]
        if unknown:
            raise forms.ValidationError(self.not_listed.format(names=", ".join(unknown)))
        return names


class OwnerMixin(forms.Form):
    owner = forms.CharField(
        max_length=200,
        label=_("Owner"),
        help_text=_("user:NAME, group:NAME or nobody"),
        error_messages={"required": _("Owner: write user:NAME, group:NAME or nobody.")},
        widget=forms.TextInput(attrs={"placeholder": _("user:NAME, group:NAME or nobody")}),
    )
    allow_from_tag = False

    def clean_owner(self):
        text = self.cleaned_data["owner"].strip()
        if self.allow_from_tag and text == FROM_TAG:
            return FROM_TAG
        owner, error = ownership.parse_owner(text)
        if error:
            raise forms.ValidationError(error)
        if owner is not None:
            try:
                ownership.owner_tag(owner)  # refused before anything is written
            except ownership.OwnerError as problem:
                raise forms.ValidationError(
                    _("Owner: %(problem)s") % {"problem": problem}
                ) from None
        return owner


class ImportVMsForm(OwnerMixin, SelectionForm):
    not_listed = _(
        "Not waiting for import (imported meanwhile, or gone from Ganeti at the last sync): {names}"
    )
    allow_from_tag = True
    beyond_quota = forms.BooleanField(
        required=False,
        label=_("Even beyond the owner's quota"),
        help_text=_("The log records it. Otherwise an owner without room gets nothing imported."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].help_text = _(
            "user:NAME, group:NAME, nobody, or tag (whoever its gwm:owner tag names)"
        )
        self.fields["owner"].widget.attrs["placeholder"] = _("user:NAME, group:NAME, nobody or tag")
        self.fields["owner"].error_messages["required"] = _(
            "Owner: write user:NAME, group:NAME, nobody or tag."
        )


class AssignForm(OwnerMixin, SelectionForm):
    not_listed = _("No longer without an owner (or gone from Ganeti): {names}")


class ImportNodesForm(SelectionForm):
    not_listed = _(
        "Not waiting for import (imported meanwhile, or gone from Ganeti at the last sync): {names}"
    )


class ForgetForm(SelectionForm):
    not_listed = _("Not gone from Ganeti (back since, or removed already): {names}")
