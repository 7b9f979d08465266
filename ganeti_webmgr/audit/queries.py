"""Reading the audit log: what the global log lists, and where an object's log comes from."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Model, Q, QuerySet

from ganeti_webmgr.audit import access
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.audit.paging import (
    TARGETS,
    EntrySource,
    MergedSource,
    Order,
    Source,
    TargetSource,
)
from ganeti_webmgr.core.listing import ListQuery


def entries() -> QuerySet[Entry]:
    """Entries with what a list shows (targets, Ganeti job id) in a constant number of queries."""
    # Only the job's number: its row carries the whole Ganeti log and results.
    return Entry.objects.annotate(ganeti_job_id=F("job__job_id")).prefetch_related(TARGETS)


def _naming(obj: Model) -> QuerySet[Target]:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Target.objects.filter(content_type=content_type, object_pk=obj.pk)


def for_object(obj: Model) -> Source:
    """The entries naming obj among their targets."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return TargetSource(content_type.pk, obj.pk)


def for_user(user: Model) -> Source:
    """What happened to a user (entries naming them) and what they did (entries by them)."""
    return MergedSource(for_object(user), EntrySource(entries().filter(actor=user)))


def listed(reader, query: ListQuery, order: Order, obj: Model | None = None, by_them=False):
    """Where a log list's pages come from, for reader: the global log (obj None) or
    obj's (by_them: a user's, with what they did), searched, filtered and sorted as
    query says.

    A log read by time as it is comes from its own index (for_object, for_user);
    otherwise from the entries the query selects, and, searched or filtered, only
    those naming nothing hidden from reader (access.visible_entries)."""
    if not query.filtered and not order.key:
        if obj is None:
            return EntrySource(entries())
        return for_user(obj) if by_them else for_object(obj)
    selected = entries()
    if obj is not None:
        about = Q(pk__in=_naming(obj).values("entry_id"))
        selected = selected.filter(about | Q(actor=obj) if by_them else about)
    selected = query.apply(selected)
    if query.filtered:
        selected = access.visible_entries(reader, selected)
    return EntrySource(selected)
