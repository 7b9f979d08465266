"""Tags of a VM, a node or the cluster: one form and one way to send them, for all three."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions.base import Action, ActionForm, always
from ganeti_webmgr.actions.validators import TAG
from ganeti_webmgr.ganeti import RapiClient


class WordsField(forms.CharField):
    """Several words in one text box, separated by spaces: the API also takes them as
    a JSON list (api/formdata.py)."""

    separator = " "


class TagsForm(ActionForm):
    add = WordsField(
        label=gettext_lazy("Add tags"),
        required=False,
        help_text=gettext_lazy("Separated by spaces."),
    )
    remove = forms.MultipleChoiceField(
        label=gettext_lazy("Remove"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        if target.tags:
            self.fields["remove"].choices = [(t, t) for t in target.tags]
        else:
            del self.fields["remove"]

    def clean_add(self):
        tags = self.cleaned_data["add"].split()
        for tag in tags:
            if not TAG.fullmatch(tag):
                raise forms.ValidationError(
                    _("%(tag)r is not a Ganeti tag: at most 128 letters, digits and .+*/:@-_")
                    % {"tag": tag[:40]}
                )
        return sorted(set(tags) - set(self.target.tags))

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("add") and not data.get("remove"):
            raise forms.ValidationError(_("Nothing to add or remove."))
        if data.get("add") and data.get("remove"):
            raise forms.ValidationError(_("Add tags or remove them, one at a time."))
        return data


def tags_action(
    kind: str,
    ganeti_kind: str,
    what: Callable[[object], str],
    *,
    available: Callable[[object], str] = always,
    section: str = "",
) -> Action:
    """The "<kind>.tags" action; what(target) names the target in its description."""

    def submit(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
        if p.get("remove"):
            return client.delete_tags(ganeti_kind, p["remove"], name or None, reason=reason or None)
        return client.add_tags(ganeti_kind, p["add"], name or None, reason=reason or None)

    def describe(target, p) -> str:
        if p.get("remove"):
            return _("remove tag(s) %(tags)s from %(target)s") % {
                "tags": ", ".join(p["remove"]),
                "target": what(target),
            }
        return _("add tag(s) %(tags)s to %(target)s") % {
            "tags": ", ".join(p["add"]),
            "target": what(target),
        }

    return Action(
        f"{kind}.tags",
        kind,
        gettext_lazy("Tags"),
        "tags",
        f"{kind}.tags",
        describe,
        submit,
        form=TagsForm,
        available=available,
        section=section,
    )
