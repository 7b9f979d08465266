"""Job lists, the job page, cancel and acknowledge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.accounts import list_prefs
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import ListQuery
from ganeti_webmgr.jobs import cancel, live
from ganeti_webmgr.jobs.filters import JOB_LIST
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import get_visible_or_404, may_cancel_job, visible


@login_required
@require_GET
def job_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """All jobs the user may see, or (with slug) one cluster's: its "Jobs" tab."""
    jobs = visible(request.user, Job.objects.all())
    header = None
    if slug is not None:
        cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
        header = cluster_header(request.user, cluster, "jobs")
        jobs = jobs.filter(cluster=cluster)
    clusters = visible(request.user, Cluster.objects.order_by("slug"))
    columns, page_size = list_prefs.saved(request.user, JOB_LIST.name)
    query = ListQuery(
        JOB_LIST,
        request.GET,
        saved_columns=columns,
        saved_page_size=page_size,
        choices={"cluster": tuple((c.slug, str(c)) for c in clusters)},
        fixed=["cluster"] if header else [],
    )
    rows = Job.objects.select_related("cluster", "requested_by")
    paginator = listing.TwoStepPaginator(
        query.apply(jobs), query.page_size, lambda ids: rows.filter(pk__in=ids)
    )
    shown = [c for c in query.shown if not (header and c.key == "cluster")]
    return render(
        request,
        "jobs/list.html",
        {
            "page": paginator.get_page(request.GET.get("page")),
            "query": query,
            "headings": query.headings(shown),
            "shown": {c.key for c in shown},
            "all_columns": [c for c in JOB_LIST.columns if not (header and c.key == "cluster")],
            "page_sizes": listing.PAGE_SIZES,
            "cluster_header": header,
            "here": request.get_full_path(),
        },
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    job = _get(request, slug, job_id)
    return render(request, "jobs/detail.html", _detail_context(request, job))


@login_required
@require_GET
def job_status(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """The live part of the job page, polled by htmx until the job has ended."""
    job = _get(request, slug, job_id)
    return live.fragment(request, "jobs/_live.html", _detail_context(request, job))


@login_required
@require_GET
def job_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A request GWM has not yet handed to Ganeti (no Ganeti job id yet), or never could."""
    job = _get_request(request, slug, pk)
    if job.job_id is not None:
        return redirect(job.get_absolute_url())
    return render(request, "jobs/detail.html", _detail_context(request, job))


@login_required
@require_GET
def job_request_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Polled while the request is submitted; moves the page to the job once Ganeti has it."""
    job = _get_request(request, slug, pk)
    if job.job_id is not None:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = job.get_absolute_url()
        return response
    return live.fragment(request, "jobs/_live.html", _detail_context(request, job))


def _get_request(request: HttpRequest, slug: str, pk: int) -> Job:
    queryset = Job.objects.select_related("cluster", "virtual_machine", "node", "requested_by")
    return get_visible_or_404(request.user, queryset, cluster__slug=slug, pk=pk)


def _detail_context(request: HttpRequest, job: Job) -> dict:
    return {
        "job": job,
        "may_cancel": job.job_id is not None
        and not job.finished
        and not job.cancel_requested_at
        and may_cancel_job(request.user, job),
        "may_acknowledge": job.job_id is not None
        and job.status == Job.Status.ERROR
        and not job.acknowledged,
    }


@login_required
@require_GET
def cluster_jobs(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Recent jobs" fragment of the cluster page, polled while a job runs."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    return live.fragment(
        request, "jobs/_recent.html", {"recent": live.of_cluster(request.user, cluster)}
    )


@login_required
@require_POST
def job_cancel(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Record the wish to cancel (with its audit entry); gwm-worker sends it to Ganeti,
    so the page never waits on the cluster."""
    job = _get(request, slug, job_id)
    if job.finished or not may_cancel_job(request.user, job):
        messages.error(request, _("This job can no longer be cancelled here."))
        return redirect("job-detail", slug=slug, job_id=job_id)
    if job.cancel_requested_at:
        messages.info(
            request, _("Cancelling job %(id)s was already requested.") % {"id": job.job_id}
        )
        return redirect("job-detail", slug=slug, job_id=job_id)
    if cancel.ask(job, request):
        messages.success(
            request,
            _(
                "Cancel requested: GWM asks Ganeti to cancel job %(id)s. Ganeti cancels "
                "only jobs that have not started running."
            )
            % {"id": job.job_id},
        )
    else:
        messages.error(request, _("This job can no longer be cancelled here."))
    return redirect("job-detail", slug=slug, job_id=job_id)


@login_required
@require_POST
def job_acknowledge(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Hide a failed job from the dashboard (it stays in lists and the log). Logged:
    it hides the error from everyone's dashboard, not only the acknowledger's."""
    job = _get(request, slug, job_id)
    with audit.change(
        "job.acknowledge",
        request=request,
        targets=[job.cluster, *_targets(job)],
        job=job,
        message=f"error of job {job.job_id} acknowledged",
    ) as entry:
        if not Job.objects.filter(pk=job.pk, acknowledged=False).update(acknowledged=True):
            entry.skip()  # acknowledged already
    messages.success(request, _("Job %(id)s's error is acknowledged.") % {"id": job.job_id})
    return redirect("job-detail", slug=slug, job_id=job_id)


def _get(request: HttpRequest, slug: str, job_id: int) -> Job:
    queryset = Job.objects.select_related("cluster", "virtual_machine", "node", "requested_by")
    return get_visible_or_404(request.user, queryset, cluster__slug=slug, job_id=job_id)


def _targets(job: Job) -> list:
    return [job.virtual_machine] if job.virtual_machine else []
