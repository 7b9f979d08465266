"""Filtering and sorting of VM lists (global and per cluster), as a plain form."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

SORTS = {
    "name": "name",
    "-name": "-name",
    "cluster": "cluster__slug",
    "-cluster": "-cluster__slug",
    "state": "status",
    "-state": "-status",
    "memory": "memory",
    "-memory": "-memory",
    "vcpus": "vcpus",
    "-vcpus": "-vcpus",
    "disk": "disk_size",
    "-disk": "-disk_size",
    "node": "primary_node__name",
    "-node": "-primary_node__name",
}
STATES = [
    ("", "any state"),
    ("running", "running"),
    ("stopped", "stopped"),
    ("error", "in error"),
    ("missing", "gone from Ganeti"),
]


class VMFilter(forms.Form):
    q = forms.CharField(required=False, label="Name or IP")
    cluster = forms.CharField(required=False)
    node = forms.CharField(required=False)
    state = forms.ChoiceField(required=False, choices=STATES)
    owner = forms.CharField(required=False, help_text="user or group name")
    os = forms.CharField(required=False, label="OS")
    tag = forms.CharField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])

    def apply(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if text := data.get("q"):
            queryset = queryset.filter(Q(name__icontains=text) | Q(nic_ips__icontains=text))
        if cluster := data.get("cluster"):
            queryset = queryset.filter(cluster__slug=cluster)
        if node := data.get("node"):
            queryset = queryset.filter(Q(primary_node__name=node) | Q(secondary_node__name=node))
        state = data.get("state")
        if state == "missing":
            queryset = queryset.filter(missing=True)
        else:
            queryset = queryset.filter(missing=False)
            if state == "running":
                queryset = queryset.filter(status="running")
            elif state == "stopped":
                queryset = queryset.filter(status="ADMIN_down")
            elif state == "error":
                queryset = queryset.filter(status__startswith="ERROR")
        if owner := data.get("owner"):
            queryset = queryset.filter(Q(owner_user__username=owner) | Q(owner_group__name=owner))
        if os_name := data.get("os"):
            queryset = queryset.filter(os__icontains=os_name)
        if tag := data.get("tag"):
            queryset = queryset.filter(tags_text__contains=f" {tag} ")
        # Ties by name, then pk (a stable order), in the sort's direction: sorted by
        # state, the index on (status, name) serves the whole ORDER BY, either way.
        sort = data.get("sort") or "name"
        ties = ("-name", "-pk") if sort.startswith("-") else ("name", "pk")
        return queryset.order_by(SORTS.get(sort, "name"), *ties)
