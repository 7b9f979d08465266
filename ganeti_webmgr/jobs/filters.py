"""The job lists (all, and a cluster's "Jobs" tab): search, filters, sorts and columns
(core.listing)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q

from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter
from ganeti_webmgr.jobs.models import Job

STATUSES = (("active", "not finished"), *((s, s) for s in Job.Status.values))


def _search(text: str) -> Q:
    """What a job was for and who asked: its target, action, Ganeti job id, error."""
    match = listing.contains("target_name", "action", "error_message")(text) | Q(
        requested_by__in=User.objects.filter(username__icontains=text).values("pk")
    )
    if text.isdigit() and len(text) < 19:
        match |= Q(job_id=int(text))
    return match


JOB_LIST = listing.register(
    listing.ListSpec(
        name="jobs",
        search=_search,
        filters=(
            Filter("cluster", "Cluster", listing.exact("cluster__slug"), choices=()),
            Filter(
                "status",
                "Status",
                listing.exact("status"),
                choices=STATUSES,
                special={"active": lambda qs: qs.filter(finished=False)},
            ),
        ),
        columns=(
            Column("job", "Job"),
            Column("cluster", "Cluster", sort="cluster__slug"),
            Column("operation", "Operation"),
            Column("status", "Status", sort="status"),
            Column("by", "By"),
            Column("created", "Started", sort="created_at"),
        ),
        default_sort="-created",
    )
)
