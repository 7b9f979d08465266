"""A cluster's SSH key settings page (its admins), and the key feed (a token)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import params
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.permissions.rules import get_visible_or_404
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.vmkeys import feed as key_feed
from ganeti_webmgr.vmkeys import mapping
from ganeti_webmgr.vmkeys.forms import KeyParameterForm
from ganeti_webmgr.vmkeys.models import KeyFeed, KeyParameter

NOT_FOUND = "unknown cluster or wrong token\n"


@require_GET
def feed(request: HttpRequest, slug: str, token: str, name: str = "") -> HttpResponse:
    """authorized_keys lines of who administers the cluster (for its nodes) or the VM.

    A wrong token answers 404 as an unknown cluster or VM does, so the feed tells
    nothing about which clusters and VMs exist.
    """
    key = KeyFeed.objects.filter(cluster__slug=slug).select_related("cluster").first()
    if key is None or not key.matches(token):
        return _text(NOT_FOUND, status=404)
    target = key.cluster
    if name:
        target = VirtualMachine.objects.filter(cluster=key.cluster, name=name).first()
        if target is None:
            return _text(NOT_FOUND, status=404)
    return _text(key_feed.authorized_keys(target))


def _text(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not rules.may_manage_ssh_keys(request.user, cluster):
        raise PermissionDenied(_("not allowed to change this cluster's SSH key settings"))
    which = request.POST.get("form", "") if request.method == "POST" else ""
    form = KeyParameterForm(request.POST if which == "map" else None, cluster=cluster)
    status = 200
    token = ""
    if which == "map":
        if form.is_valid():
            saved = _save_mapping(request, cluster, form)
            if saved:
                return redirect("cluster-ssh-keys", slug=slug)
        status = 400
    elif which == "unmap":
        pk = params.primary_key(request.POST.get("mapping"))
        mapping_row = KeyParameter.objects.filter(cluster=cluster, pk=pk).first() if pk else None
        if mapping_row is not None:
            mapping.remove(mapping_row, request=request)
            messages.success(request, _("Mapping for %(os)s removed.") % {"os": mapping_row.os})
        return redirect("cluster-ssh-keys", slug=slug)
    elif which == "check":
        try:
            problems = mapping.refresh(cluster)
        except mapping.CheckFailed as error:
            messages.error(request, str(error))
        else:
            for text in problems:
                messages.error(request, text)
            if not problems:
                messages.success(request, _("Every mapping's OS declares its parameter."))
        return redirect("cluster-ssh-keys", slug=slug)
    elif which == "token":
        token = key_feed.rotate_token(cluster, request=request)
    elif which:
        return HttpResponse("unknown form", status=400, content_type="text/plain")
    response = render(
        request,
        "vmkeys/settings.html",
        {
            "cluster": cluster,
            "cluster_header": cluster_header(request.user, cluster, "ssh-keys"),
            "mappings": KeyParameter.objects.filter(cluster=cluster),
            "form": form,
            "feed": KeyFeed.objects.filter(cluster=cluster).first(),
            "token": token,
            "feed_url": request.build_absolute_uri(
                reverse("cluster-key-feed", args=[cluster.slug, token or "TOKEN"])
            ),
        },
        status=status,
    )
    if token:
        response["Cache-Control"] = "no-store"  # the token is shown this once
    return response


def _save_mapping(request: HttpRequest, cluster: Cluster, form: KeyParameterForm) -> bool:
    """Check the mapping against Ganeti's OS definitions and save it; errors on the form."""
    data = form.cleaned_data
    try:
        row = mapping.add(cluster, data["os"], data["parameter"], data["layout"], request=request)
    except mapping.CheckFailed as error:
        form.add_error(None, _("%(error)s The mapping was not saved.") % {"error": error})
        return False
    except mapping.Undeclared as error:
        form.add_error(error.field, str(error))
        return False
    messages.success(
        request,
        _("Keys go into %(parameter)s of %(os)s from now on.")
        % {"parameter": row.parameter, "os": row.os},
    )
    return True
