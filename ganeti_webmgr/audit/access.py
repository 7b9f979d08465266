"""Who may read which log, through the permission layer (ganeti_webmgr.permissions.rules).

An object's log is readable by whoever may view the object (out of scope: 404).
Seeing an object is not seeing everything near it: a user with a grant on one VM
sees its cluster, but not the cluster's other VMs. So an object's log leaves out
the entries that also name a cluster, VM or node the reader may not see.

That check runs on the rows a page has fetched (see audit.paging), not in SQL:
"entries naming nothing hidden" as an SQL anti-join makes PostgreSQL hash every
target of the log, which grows with the log; on a fetched window it is one small
query per object type, however long the log.

A log searched or filtered is the exception (visible_entries): there the check is
part of the query, so that a page's length and its "next" link say nothing of
hidden entries that match (a window of them would otherwise tell that many exist).
The search narrows what the database reads; the check costs it per entry it reads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# Target types whose visibility the permission layer decides.
SCOPED_MODELS = (Cluster, VirtualMachine, Node)

EntryFilter = Callable[[list[Entry]], list[Entry]]


def viewable_or_404(user, queryset: QuerySet, **lookup) -> Model:
    return rules.get_visible_or_404(user, queryset, "view", **lookup)


def entry_filter(user) -> EntryFilter | None:
    """A filter keeping the entries (their target_rows prefetched: audit.paging) that
    name nothing hidden from user; None when nothing is hidden from them (superusers)."""
    if rules.may_see_everything(user):
        return None

    def keep(entries: list[Entry]) -> list[Entry]:
        hidden: set[tuple[int, int]] = set()
        for model in SCOPED_MODELS:
            type_id = ContentType.objects.get_for_model(model).pk
            named = {
                t.object_pk for e in entries for t in e.target_rows if t.content_type_id == type_id
            }
            if named:
                visible = rules.visible(user, model.objects.filter(pk__in=named))
                hidden.update(
                    (type_id, pk) for pk in named - set(visible.values_list("pk", flat=True))
                )
        return [
            entry
            for entry in entries
            if not any((t.content_type_id, t.object_pk) in hidden for t in entry.target_rows)
        ]

    return keep


def visible_entries(user, entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """entries without those naming a cluster, VM or node hidden from user, as part
    of the query (the same rule as entry_filter's)."""
    if rules.may_see_everything(user):
        return entries
    hidden = Q()
    for model in SCOPED_MODELS:
        type_id = ContentType.objects.get_for_model(model).pk
        seen = rules.visible(user, model.objects.all()).values("pk")
        hidden |= Q(content_type_id=type_id) & ~Q(object_pk__in=seen)
    named = Target.objects.filter(hidden, entry=OuterRef("pk"))
    return entries.filter(~Exists(named))
