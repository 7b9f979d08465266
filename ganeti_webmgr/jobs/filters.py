"""The job lists (all, and a cluster's "Jobs" tab): search, filters, sorts and columns
(core.listing)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter
from ganeti_webmgr.jobs.models import Job

# Ganeti's words for a job's status, beside "not finished" (any of the first four).
STATUSES = (("active", _("not finished")), *((s, s) for s in Job.Status.values))


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
            Filter("cluster", _("Cluster"), listing.exact("cluster__slug"), choices=()),
            Filter(
                "status",
                _("Status"),
                listing.exact("status"),
                choices=STATUSES,
                special={"active": lambda qs: qs.filter(finished=False)},
            ),
        ),
        columns=(
            Column("job", _("Job")),
            Column("cluster", _("Cluster"), sort="cluster__slug"),
            Column("operation", _("Operation")),
            Column("status", _("Status"), sort="status"),
            Column("by", _("By")),
            Column("created", _("Started"), sort="created_at"),
        ),
        default_sort="-created",
    )
)
