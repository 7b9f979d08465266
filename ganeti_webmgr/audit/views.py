"""Reading the audit log: the global page (superusers) and each object's "Log" tab.

There are no views that change or delete entries.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ganeti_webmgr.audit import queries
from ganeti_webmgr.audit.access import entry_filter, viewable_or_404
from ganeti_webmgr.audit.forms import LogFilterForm
from ganeti_webmgr.audit.paging import EntrySource, LogPage, Source, page
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    if not rules.may_read_global_log(request.user):
        raise PermissionDenied
    form = LogFilterForm(request.GET or None)
    entries = form.filter(queries.entries()) if form.is_bound else queries.entries()
    log_page = page(EntrySource(entries), request.GET)
    return render(request, "audit/log.html", {"form": form, "page": log_page})


def log_page(request: HttpRequest, obj: Model, source: Source | None = None) -> LogPage:
    """One page of obj's log, as request.user may see it.

    For an object page's "Log" tab: check that the user may view obj first, then
    render "audit/_entries.html" with this as `page`.
    """
    source = queries.for_object(obj) if source is None else source
    return page(source, request.GET, keep=entry_filter(request.user))


def object_log(
    request: HttpRequest,
    obj: Model,
    kind: str,
    source: Source | None = None,
    extra: dict | None = None,
) -> HttpResponse:
    context = {"object": obj, "kind": kind, "page": log_page(request, obj, source), **(extra or {})}
    return render(request, "audit/object_log.html", context)


@login_required
@require_GET
def cluster_log(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = viewable_or_404(request.user, Cluster.objects.all(), slug=slug)
    header = cluster_header(request.user, cluster, "log")
    return object_log(request, cluster, "Cluster", extra={"cluster_header": header})


@login_required
@require_GET
def vm_log(request: HttpRequest, cluster_slug: str, name: str) -> HttpResponse:
    vm = viewable_or_404(
        request.user,
        VirtualMachine.objects.select_related("cluster"),
        cluster__slug=cluster_slug,
        name=name,
    )
    return object_log(request, vm, "Virtual machine")


@login_required
@require_GET
def node_log(request: HttpRequest, cluster_slug: str, name: str) -> HttpResponse:
    node = viewable_or_404(
        request.user, Node.objects.select_related("cluster"), cluster__slug=cluster_slug, name=name
    )
    return object_log(request, node, "Node")


@login_required
@require_GET
def user_log(request: HttpRequest, username: str) -> HttpResponse:
    """A user's log (what they did and what was done to them): themself and superusers."""
    if not rules.may_see_user(request.user, username):
        raise Http404  # whether that user exists is not everyone's business
    user = get_object_or_404(User, username=username)
    return object_log(request, user, "User", queries.for_user(user))


@login_required
@require_GET
def group_log(request: HttpRequest, name: str) -> HttpResponse:
    """A group's log: its administrators and superusers; members get 403, others 404."""
    group = get_object_or_404(Group, name=name)
    if not rules.may_see_group(request.user, group):
        raise Http404
    if not rules.may_manage_members(request.user, group):
        raise PermissionDenied
    return object_log(request, group, "Group")
