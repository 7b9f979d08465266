from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.clusters import credentials
from ganeti_webmgr.clusters.forms import ClusterForm, ConfirmForm
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for, forget, new_client
from ganeti_webmgr.ganeti import RapiError, Timeouts, fetch_certificate_fingerprint
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.started import record_started
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine

CHECK_TIMEOUTS = Timeouts(connect=5, read=15, total=30)


@csrf_exempt  # called by Ganeti's hook script with a bearer token, not from a browser
@require_POST
def notify(request: HttpRequest, slug: str) -> HttpResponse:
    """Ganeti's hook script says something changed: sync this cluster now.

    Answers 404 for a wrong token as for an unknown cluster, so the endpoint does not
    tell which cluster names exist.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None or scheme.lower() != "bearer" or not cluster.notify_token_matches(token):
        return JsonResponse({"error": "unknown cluster or wrong token"}, status=404)
    Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=timezone.now(), quick_syncs=2)
    return JsonResponse({"sync": "requested"}, status=202)


# -- pages -----------------------------------------------------------------------------
@login_required
@require_GET
def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = visible(request.user, Cluster.objects.all()).order_by("slug")
    return render(
        request,
        "clusters/list.html",
        {
            "clusters": clusters,
            "may_add": request.user.is_superuser,
        },
    )


@login_required
@require_GET
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    user = request.user
    vms = visible(user, VirtualMachine.objects.filter(cluster=cluster, missing=False))
    running = vms.filter(status="running").count()
    nodes = visible(user, Node.objects.filter(cluster=cluster)).order_by("name")
    jobs = (
        visible(user, Job.objects.filter(cluster=cluster))
        .select_related("requested_by")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "clusters/detail.html",
        {
            "cluster": cluster,
            "vm_count": vms.count(),
            "running": running,
            "nodes": nodes,
            "jobs": jobs,
            "is_admin": can(user, "grant", cluster),
            "may_write": can(user, "admin", cluster),
        },
    )


@login_required
@require_POST
def cluster_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask gwm-worker to sync now (a GWM-side request: allowed on read-only clusters)."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), "grant", slug=slug)
    Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=timezone.now())
    audit.record(
        "cluster.sync",
        request=request,
        targets=[cluster],
        message=f"sync of {cluster.slug} requested",
    )
    messages.success(request, "A sync was requested; the page shows its result shortly.")
    return redirect("cluster-detail", slug=slug)


@login_required
@require_POST
def cluster_redistribute(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), "admin", slug=slug)
    try:
        job_id = client_for(cluster).redistribute_config()
    except RapiError as failure:
        messages.error(request, f"Ganeti refused: {failure.message}")
        return redirect("cluster-detail", slug=slug)
    record_started(
        cluster,
        job_id,
        user=request.user,
        request=request,
        audit_action="cluster.redistribute_config",
        description=f"redistribute the configuration of {cluster.slug}",
    )
    messages.success(request, f"Started: redistribute configuration (Ganeti job {job_id}).")
    return redirect("cluster-detail", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Forget the cluster in GWM (superusers); Ganeti itself is not touched."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not request.user.is_superuser:
        raise PermissionDenied("only superusers remove clusters from GWM")
    if request.method == "POST":
        if request.POST.get("confirm_name") != cluster.slug:
            messages.error(request, f"To remove it, type the cluster's name ({cluster.slug}).")
            return redirect("cluster-delete", slug=slug)
        audit.record(
            "cluster.remove",
            request=request,
            targets=[cluster],
            message=f"{cluster.slug} ({cluster.url}) removed from GWM",
        )
        cluster.delete()
        forget(cluster.pk)
        messages.success(request, f"{slug} was removed from GWM; Ganeti was not touched.")
        return redirect("cluster-list")
    return render(request, "clusters/delete.html", {"cluster": cluster})


@login_required
@require_http_methods(["GET", "POST"])
def cluster_add(request: HttpRequest) -> HttpResponse:
    """Add a cluster: check it (and show its certificate), then confirm (superusers)."""
    if not request.user.is_superuser:
        raise PermissionDenied("only superusers add clusters")
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _add_confirmed(request)
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cluster = Cluster(
            slug=data["slug"],
            hostname=data["hostname"],
            port=data["port"],
            username=data["username"],
            description=data["description"],
            read_only=not data["username"],
        )
        cluster.password = data["password"]
        try:
            if data["trust"] == "pin":
                cluster.fingerprint = fetch_certificate_fingerprint(
                    cluster.hostname, cluster.port, timeout=10
                )
            elif data["trust"] == "ca":
                cluster.ca_certificates = data["ca_certificates"]
            with new_client(cluster, CHECK_TIMEOUTS) as client:
                info = client.info()
        except RapiError as error:
            form.add_error(None, f"Cannot use {cluster.url}: {error}")
        else:
            confirm = ConfirmForm(
                initial={
                    "slug": cluster.slug,
                    "hostname": cluster.hostname,
                    "port": cluster.port,
                    "username": cluster.username,
                    "password_encrypted": cluster.password_encrypted,
                    "fingerprint": cluster.fingerprint,
                    "ca_certificates": cluster.ca_certificates,
                    "description": cluster.description,
                }
            )
            return render(
                request,
                "clusters/add_confirm.html",
                {"cluster": cluster, "info": info, "confirm": confirm},
            )
    return render(request, "clusters/add.html", {"form": form})


def _add_confirmed(request: HttpRequest) -> HttpResponse:
    confirm = ConfirmForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, "The checked values were changed; please start again.")
        return redirect("cluster-add")
    data = confirm.cleaned_data
    if Cluster.objects.filter(slug=data["slug"]).exists():
        messages.error(request, f"A cluster named {data['slug']!r} exists already.")
        return redirect("cluster-add")
    try:
        if data["password_encrypted"]:  # made by step one with our key, or tampered with
            credentials.decrypt(data["password_encrypted"])
    except credentials.CredentialsError:
        messages.error(request, "The checked values were changed; please start again.")
        return redirect("cluster-add")
    cluster = Cluster.objects.create(
        slug=data["slug"],
        hostname=data["hostname"],
        port=data["port"],
        username=data["username"],
        password_encrypted=data["password_encrypted"],
        fingerprint=data["fingerprint"],
        ca_certificates=data["ca_certificates"],
        description=data["description"],
        read_only=not data["username"],
    )
    audit.record(
        "cluster.add",
        request=request,
        targets=[cluster],
        message=f"{cluster.slug} ({cluster.url}) added; trust: {cluster.trust_description}",
    )
    messages.success(request, f"Cluster {cluster.slug} added; gwm-worker syncs it shortly.")
    return redirect("cluster-detail", slug=cluster.slug)
