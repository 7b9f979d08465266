"""The log's lists (the global log, each object's): search, filters, sorts and columns,
with the semantics every list shares (core.listing), and what an export writes."""

from __future__ import annotations

import json

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganeti_webmgr.audit.actions import ACTIONS
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter
from ganeti_webmgr.core.sorting import name_key
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# The object types the type filter takes, as the log names them (Target.type_key).
OBJECT_TYPES = {
    "cluster": (_("Cluster"), Cluster),
    "vm": (_("Virtual machine"), VirtualMachine),
    "node": (_("Node"), Node),
    "user": (_("User"), User),
    "group": (_("Group"), Group),
    "job": (_("Job"), Job),
}


def _action_choices() -> tuple[tuple[str, str], ...]:
    """Each family of codes ("vm." for vm.*) before its codes, in the vocabulary's order."""
    choices: list[tuple[str, str]] = []
    for code in ACTIONS:
        family = code.split(".")[0] + "."
        if (family, f"{family}*") not in choices:
            choices.append((family, f"{family}*"))
        choices.append((code, code))
    return tuple(choices)


def _action(value: str) -> Q:
    return Q(action__startswith=value) if value.endswith(".") else Q(action=value)


def _naming(targets) -> Q:
    """Entries naming one of targets (a Target queryset)."""
    return Q(pk__in=targets.values("entry_id"))


def _of_type(value: str) -> Q:
    content_type = ContentType.objects.get_for_model(
        OBJECT_TYPES[value][1], for_concrete_model=False
    )
    return _naming(Target.objects.filter(content_type=content_type))


def _cluster(slug: str) -> Q:
    content_type = ContentType.objects.get_for_model(Cluster)
    clusters = Cluster.objects.filter(slug=slug).values("pk")
    return _naming(Target.objects.filter(content_type=content_type, object_pk__in=clusters))


def _actor(name: str) -> Q:
    # actor_key leads the index (audit_actor_key_time_idx); the name itself is exact.
    return Q(actor_key=name_key(name), actor_name=name)


def _search(text: str) -> Q:
    """Who did it, what (the action's code), to what (an object's name), and the message."""
    return listing.contains("actor_name", "action", "message")(text) | _naming(
        Target.objects.filter(object_repr__icontains=text)
    )


LOG_LIST = listing.register(
    listing.ListSpec(
        name="log",
        search=_search,
        filters=(
            Filter("actor", _("User"), _actor, help=_("a user name, exactly")),
            Filter("action", _("Action"), _action, choices=_action_choices()),
            Filter(
                "type",
                _("Object type"),
                _of_type,
                choices=tuple((key, label) for key, (label, _model) in OBJECT_TYPES.items()),
            ),
            Filter("cluster", _("Cluster"), _cluster, choices=()),
            Filter(
                "name",
                _("Object name"),
                lambda value: _naming(Target.objects.filter(object_repr__icontains=value)),
                help=_("part of its name"),
            ),
            Filter(
                "since",
                _("From"),
                listing.since("time"),
                check=listing.day_error,
                input_type="date",
            ),
            Filter(
                "until",
                _("To (inclusive)"),
                listing.until("time"),
                check=listing.day_error,
                input_type="date",
            ),
        ),
        columns=(
            Column("time", _("Time"), sort="time"),
            Column("user", _("User"), sort="actor_key"),
            Column("action", _("Action"), sort="action"),
            Column("objects", _("Objects")),
            Column("details", _("Details")),
            Column("job", _("Job")),
            Column("source", pgettext_lazy("source address", "From")),
        ),
        default_sort="-time",
        ties=("time", "pk"),
        check=listing.ordered_days("since", "until"),
    )
)

EXPORT_KEYS = (
    "time",
    "user",
    "action",
    "objects",
    "message",
    "changes",
    "job",
    "job_status",
    "job_error",
    "source_ip",
    "via",  # the API token a change was made with, if any
)


def export_row(entry: Entry, fmt: str) -> tuple:
    """An entry as an export writes it (target_rows prefetched). Its objects: in JSON a
    list of {type, name}, in CSV type:name joined by "; " (names may hold spaces);
    its changes: an object, in CSV as JSON text."""
    targets = [(t.type_key, t.object_repr) for t in entry.target_rows]
    if fmt == "json":
        objects, changes = [{"type": k, "name": n} for k, n in targets], entry.changes
    else:
        objects = "; ".join(f"{k}:{n}" for k, n in targets)
        changes = json.dumps(entry.changes, default=str) if entry.changes else ""
    return (
        entry.time.isoformat(),
        entry.actor_name,
        entry.action,
        objects,
        entry.message,
        changes,
        entry.ganeti_job_id,
        entry.job_status,
        entry.job_error,
        entry.source_ip,
        entry.via,
    )
