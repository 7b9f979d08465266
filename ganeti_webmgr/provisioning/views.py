"""The creation wizard: choose a cluster, fill in and review, submit, watch it happen."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_http_methods

from ganeti_webmgr.actions.create import CreateVMsForm
from ganeti_webmgr.actions.service import Refused
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import params
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import (
    can,
    get_visible_or_404,
    may_override_quota,
    require,
    visible,
)
from ganeti_webmgr.provisioning.models import CreationRequest, VMTemplate
from ganeti_webmgr.provisioning.submit import submit
from ganeti_webmgr.quotas import wizard as quota_wizard


@login_required
@require_GET
def choose_cluster(request: HttpRequest) -> HttpResponse:
    clusters = visible(request.user, Cluster.objects.all(), "create_vm").order_by("slug")
    if len(clusters) == 1:
        return redirect("vm-create", slug=clusters[0].slug)
    return render(request, "provisioning/choose.html", {"clusters": clusters})


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    require(request.user, "create_vm", cluster)
    template, earlier = None, None
    if request.method == "POST":
        form = CreateVMsForm(cluster, request.POST, user=request.user)
    elif earlier := _earlier_request(request, cluster):
        # A failed creation, to fix and resubmit: the form as it was sent, Ganeti's
        # error above its summary.
        form = CreateVMsForm(cluster, MultiValueDict(earlier.values), user=request.user)
    elif template := _template(request, cluster):
        form = CreateVMsForm(cluster, user=request.user, initial=template.values)
    else:
        form = CreateVMsForm(cluster, user=request.user)
    summary = None
    valid = form.is_bound and form.is_valid()
    if valid:
        summary = form.summary()
        if request.POST.get("action") == "create":
            try:
                creation = submit(
                    form, request, override_quota=request.POST.get("override_quota") == "yes"
                )
            except Refused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("vm-create-status", slug=slug, pk=creation.pk)
    owner = form.owner_object() if valid else request.user
    rooms = quota_wizard.rooms(cluster, owner, form.params() if valid else None)
    for name, text in quota_wizard.field_help(rooms).items():
        if name in form.fields:
            form.fields[name].help_text = " ".join(
                str(p) for p in (form.fields[name].help_text, text) if p
            )
    return render(
        request,
        "provisioning/create.html",
        {
            "cluster": cluster,
            "form": form,
            "summary": summary,
            "templates": cluster.vm_templates.order_by("name"),
            "template": template,
            "ganeti_errors": [
                job.error_message or job.status
                for job in (earlier.jobs.all() if earlier else [])
                if job.status in ("error", "canceled")
            ],
            "may_save_template": can(request.user, "admin", cluster),
            "quota_owner": owner,
            "quota_rooms": rooms,
            "may_override_quota": may_override_quota(request.user, cluster),
        },
    )


def _template(request: HttpRequest, cluster: Cluster) -> VMTemplate | None:
    pk = params.primary_key(request.GET.get("template"))
    return cluster.vm_templates.filter(pk=pk).first() if pk is not None else None


def _earlier_request(request: HttpRequest, cluster: Cluster) -> CreationRequest | None:
    pk = params.primary_key(request.GET.get("from"))
    if pk is None:
        return None
    return _creations(request, cluster).filter(pk=pk).first()


def _creations(request: HttpRequest, cluster: Cluster):
    """Creation requests the user may look at: their own; all of them for cluster admins."""
    requests = CreationRequest.objects.filter(cluster=cluster)
    if can(request.user, "grant", cluster):
        return requests
    return requests.filter(requested_by=request.user)


@login_required
@require_GET
def status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    creation = _creations(request, cluster).filter(pk=pk).first()
    if creation is None:
        raise Http404("no such creation request")
    jobs = list(creation.jobs.select_related("virtual_machine").order_by("created_at"))
    running = any(not job.finished for job in jobs)
    context = {
        "cluster": cluster,
        "creation": creation,
        "jobs": jobs,
        "running": running,
        "failed": [job for job in jobs if job.status in ("error", "canceled")],
        # A failed job may still point at a VM: one of that name Ganeti had already.
        "created": [
            job.virtual_machine
            for job in jobs
            if job.virtual_machine_id and job.status == Job.Status.SUCCESS
        ],
    }
    template = "provisioning/_progress.html" if request.htmx else "provisioning/status.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response
