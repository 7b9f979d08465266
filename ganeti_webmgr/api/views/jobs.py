"""Jobs: the list (the web's job filters), one job, cancel, and waiting for a change.

A job is addressed by GWM's id (Job.pk): an action's answer names it before
gwm-worker has handed the request to Ganeti, when there is no Ganeti job id yet.
"""

from __future__ import annotations

import time

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from ganeti_webmgr.api import listing
from ganeti_webmgr.api.conditional import detail, etag_of, matches
from ganeti_webmgr.api.errors import Conflict
from ganeti_webmgr.api.pagination import Cursor
from ganeti_webmgr.api.serializers.jobs import JobDetailSerializer, JobSerializer, job_url
from ganeti_webmgr.api.views.base import ApiView, DetailView, ListView
from ganeti_webmgr.jobs import cancel
from ganeti_webmgr.jobs.filters import JOB_LIST
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions import rules

# /wait/: the longest a request may wait (a server thread is held meanwhile), the
# default, and how often the job's row is read meanwhile.
MAX_WAIT, DEFAULT_WAIT = 60, 30
POLL_EVERY = 0.5  # seconds
# What the poll reads: one narrow row. Whatever changes what the API shows of a job
# changes one of these (follow.record() saves updated_at with Ganeti's log and status).
WATCHED = (
    "updated_at",
    "status",
    "job_id",
    "finished",
    "cancel_requested_at",
    "cancel_sent_at",
    "last_error",
)
JOB_ROWS = ("cluster", "requested_by")


class JobOrdering(Cursor):
    ordering = ("-id",)


@extend_schema(parameters=listing.schema_parameters(JOB_LIST))
class JobList(ListView):
    """The jobs the user may see, newest first, with the web's job list filters."""

    serializer_class = JobSerializer
    pagination_class = JobOrdering

    def get_queryset(self):
        user = self.request.user
        jobs = listing.filtered(
            JOB_LIST,
            self.request,
            rules.visible(user, Job.objects.all()),
            choices=listing.cluster_choices(user),
        )
        return jobs.select_related(*JOB_ROWS).defer("log", "opresult", "params")


def visible_job(request, pk: int) -> Job:
    queryset = Job.objects.select_related(*JOB_ROWS, "virtual_machine")
    return rules.get_visible_or_404(request.user, queryset, pk=pk)


def job_data(request, job: Job) -> dict:
    return JobDetailSerializer(job, context={"request": request}).data


def accepted(request, job: Job) -> Response:
    """202 with the job (an action's, a creation's, a cancel's) and its address."""
    return Response(job_data(request, job), status=202, headers={"Location": job_url(job)})


class JobDetail(DetailView):
    serializer_class = JobDetailSerializer

    def get_object(self):
        return visible_job(self.request, self.kwargs["pk"])


class JobCancel(ApiView):
    """Record the wish to cancel, as the job page's button does; gwm-worker sends it
    to Ganeti, which cancels only jobs that have not started running."""

    @extend_schema(request=None, responses={202: JobDetailSerializer})
    def post(self, request, pk: int):
        job = visible_job(request, pk)
        if not rules.may_cancel_job(request.user, job):
            raise exceptions.PermissionDenied(_("You may not cancel this job."))
        if job.finished:
            raise Conflict(_("This job has ended."), code="finished")
        if job.job_id is None:
            raise Conflict(
                _("GWM has not handed this request to Ganeti yet; try again in a moment."),
                code="not_submitted",
            )
        if job.cancel_requested_at is None:
            cancel.ask(job, request._request)
            job.refresh_from_db()
        # Asked already: the same answer, nothing recorded twice.
        return accepted(request, job)


class JobWait(ApiView):
    """Long-poll: the job once it differs from the ETag sent in If-None-Match (or, with
    none, once it has ended or changed), else 304 after `timeout` seconds."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "timeout", int, description=f"Seconds to wait, at most {MAX_WAIT}.", required=False
            )
        ],
        responses={200: JobDetailSerializer, 304: None},
    )
    def get(self, request, pk: int):
        timeout = _timeout(request)
        job = visible_job(request, pk)
        data = job_data(request, job)
        sent = request.headers.get("If-None-Match")
        if sent is None and job.finished:
            return detail(request, data)
        if sent is not None and not matches(request, etag_of(data)):
            return detail(request, data)
        # Unchanged for the client: watch the row until what the API shows of it changes.
        deadline = time.monotonic() + timeout
        seen = _watched(pk)
        while time.monotonic() < deadline:
            time.sleep(min(POLL_EVERY, max(deadline - time.monotonic(), 0)))
            now = _watched(pk)
            if now == seen:
                continue
            seen = now
            job = visible_job(request, pk)
            fresh = job_data(request, job)
            if sent is None or not matches(request, etag_of(fresh)):
                return Response(fresh, headers={"ETag": etag_of(fresh)})
        if sent is None:
            return Response(data, headers={"ETag": etag_of(data)})
        return Response(status=304, headers={"ETag": etag_of(data)})


def _watched(pk: int):
    # Outside a transaction (no ATOMIC_REQUESTS; MariaDB reads committed): each poll
    # sees what gwm-worker has committed since.
    return Job.objects.filter(pk=pk).values_list(*WATCHED).first()


def _timeout(request) -> float:
    text = request.query_params.get("timeout")
    if text is None:
        return DEFAULT_WAIT
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_WAIT:
        raise exceptions.ValidationError(
            {"timeout": [_("Seconds from 0 to %(max)s.") % {"max": MAX_WAIT}]}
        )
    return value
