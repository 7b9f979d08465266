"""The global log's filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from ganeti_webmgr.audit.actions import ACTIONS
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

OBJECT_TYPES = {
    "cluster": ("Cluster", Cluster),
    "vm": ("Virtual machine", VirtualMachine),
    "node": ("Node", Node),
    "user": ("User", User),
    "group": ("Group", Group),
    "job": ("Job", Job),
}


def _action_choices() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in ACTIONS:
        groups.setdefault(code.split(".")[0], []).append((code, code))
    choices: list = [("", "any")]
    for prefix, codes in groups.items():
        choices.append((prefix, [(f"{prefix}.", f"{prefix}.* (all)"), *codes]))
    return choices


class DateInput(forms.DateInput):
    input_type = "date"


class LogDateField(forms.DateField):
    """A day the log can be filtered by: within years every database and time zone
    can compute the bounds of (9999-12-31 has no next day to end at)."""

    FIRST, LAST = date(1970, 1, 1), date(9998, 12, 31)

    def __init__(self, **kwargs):
        super().__init__(widget=DateInput(attrs={"min": self.FIRST, "max": self.LAST}), **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not self.FIRST <= value <= self.LAST:
            raise forms.ValidationError(
                f"Enter a day between {self.FIRST:%Y-%m-%d} and {self.LAST:%Y-%m-%d}."
            )


class LogFilterForm(forms.Form):
    actor = forms.CharField(label="User", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False, choices=_action_choices)
    type = forms.ChoiceField(
        label="Object type",
        required=False,
        choices=[("", "any"), *((key, label) for key, (label, _) in OBJECT_TYPES.items())],
    )
    name = forms.CharField(label="Object name contains", required=False, max_length=255)
    since = LogDateField(label="From", required=False)
    until = LogDateField(label="To (inclusive)", required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filter(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        """Apply the valid filters (an invalid form filters nothing: its errors are shown)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["actor"]:
            queryset = queryset.filter(actor_name=data["actor"])
        action = data["action"]
        if action.endswith("."):
            queryset = queryset.filter(action__startswith=action)
        elif action:
            queryset = queryset.filter(action=action)
        if data["type"] or data["name"]:
            targets = Target.objects.all()
            if data["type"]:
                model = OBJECT_TYPES[data["type"]][1]
                targets = targets.filter(content_type=ContentType.objects.get_for_model(model))
            if data["name"]:
                targets = targets.filter(object_repr__icontains=data["name"])
            queryset = queryset.filter(pk__in=targets.values("entry_id"))
        # Whole days in the site's time zone, compared as instants (no __date lookups,
        # which MySQL can only do with its time zone tables loaded).
        if data["since"]:
            queryset = queryset.filter(time__gte=_start_of(data["since"]))
        if data["until"]:
            queryset = queryset.filter(time__lt=_start_of(data["until"] + timedelta(days=1)))
        return queryset


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
