"""Reading the audit log: what the global log lists, and where an object's log comes from."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Model, QuerySet

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.audit.paging import EntrySource, MergedSource, Source, TargetSource


def entries() -> QuerySet[Entry]:
    """Entries with what a list shows (targets, Ganeti job id) in a constant number of queries."""
    # Only the job's number: its row carries the whole Ganeti log and results.
    return Entry.objects.annotate(ganeti_job_id=F("job__job_id")).prefetch_related("targets")


def for_object(obj: Model) -> Source:
    """The entries naming obj among their targets."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return TargetSource(content_type.pk, obj.pk)


def for_user(user: Model) -> Source:
    """What happened to a user (entries naming them) and what they did (entries by them)."""
    return MergedSource(for_object(user), EntrySource(entries().filter(actor=user)))
