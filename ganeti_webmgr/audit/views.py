"""Reading the audit log: the global page (superusers) and each object's log, as lists
(core.listing: search, filters, sorts, columns, export), and each object's "Log" tab.

There are no views that change or delete entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ganeti_webmgr.accounts import list_prefs
from ganeti_webmgr.audit import queries
from ganeti_webmgr.audit.access import EntryFilter, entry_filter, viewable_or_404
from ganeti_webmgr.audit.filters import EXPORT_KEYS, LOG_LIST, export_row
from ganeti_webmgr.audit.paging import LogPage, Order, Source, in_order, page
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import export, listing
from ganeti_webmgr.core.listing import ListQuery
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine

EXPORT_CHUNK = 1000  # entries read at a time by an export


@dataclass
class LogList:
    """One request's log list: the query, its order, where its entries come from, and
    the check of fetched entries (None: nothing is hidden from the reader)."""

    query: ListQuery
    order: Order
    source: Source
    keep: EntryFilter | None


def _log_list(request: HttpRequest, obj: Model | None = None, by_them=False) -> LogList:
    columns, page_size = list_prefs.saved(request.user, LOG_LIST.name)
    clusters = rules.visible(request.user, Cluster.objects.order_by("slug"))
    query = ListQuery(
        LOG_LIST,
        request.GET,
        saved_columns=columns,
        saved_page_size=page_size,
        choices={"cluster": tuple((c.slug, str(c)) for c in clusters)},
        # The log of a cluster or of what is in one: its cluster is given.
        fixed=["cluster"] if isinstance(obj, (Cluster, VirtualMachine, Node)) else [],
    )
    field, descending = query.sort_field
    order = Order("" if field == "time" else field, descending)
    source = queries.listed(request.user, query, order, obj, by_them)
    return LogList(query, order, source, entry_filter(request.user))


def _render(request: HttpRequest, template: str, log: LogList, export_url: str, **context):
    shown = log.query.shown
    base = log.query.parameters()
    log_page = page(log.source, request.GET, log.query.page_size, log.keep, log.order, base)
    return render(
        request,
        template,
        {
            "page": log_page,
            "query": log.query,
            "headings": log.query.headings(shown),
            "shown": {c.key for c in shown},
            "all_columns": LOG_LIST.columns,
            "page_sizes": listing.PAGE_SIZES,
            "export_csv": f"{export_url}?{log.query.parameters(format='csv').urlencode()}",
            "export_json": f"{export_url}?{log.query.parameters(format='json').urlencode()}",
            "here": request.get_full_path(),
            **context,
        },
    )


def _export(request: HttpRequest, log: LogList, filename: str) -> HttpResponse:
    """The log list as CSV or JSON: every entry the list would show its reader, in its
    order, read by cursor a chunk at a time and checked as the pages are (access)."""
    if refused := export.refused_format(request):
        return refused
    fmt = request.GET.get("format", "csv")
    entries = in_order(log.source, EXPORT_CHUNK, log.keep, log.order)
    rows = (export_row(entry, fmt) for entry in entries)
    return export.response(fmt, filename, EXPORT_KEYS, rows)


def _global(request: HttpRequest) -> LogList:
    if not rules.may_read_global_log(request.user):
        raise PermissionDenied
    return _log_list(request)


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    return _render(
        request, "audit/log.html", _global(request), reverse("audit-log-export"), link_targets=True
    )


@login_required
@require_GET
def log_export(request: HttpRequest) -> HttpResponse:
    return _export(request, _global(request), "log")


def log_page(request: HttpRequest, obj: Model, source: Source | None = None) -> LogPage:
    """One page of obj's log, newest first, as request.user may see it.

    For an object page's "Log" tab: check that the user may view obj first, then
    render "audit/_entries.html" with this as `page`.
    """
    source = queries.for_object(obj) if source is None else source
    return page(source, request.GET, keep=entry_filter(request.user))


@dataclass
class Subject:
    """The object of a log, found for the user (404 or 403 otherwise)."""

    obj: Model
    heading: str  # the page's heading: "<Kind> %(name)s: log", translated
    key: str  # its type in URL names (audit-log-<key>) and export file names
    args: list  # its URL's arguments
    by_them: bool = False  # a user's: what they did too


def _object_log(request: HttpRequest, subject: Subject) -> HttpResponse:
    log = _log_list(request, subject.obj, subject.by_them)
    extra = {}
    if isinstance(subject.obj, Cluster):
        extra["cluster_header"] = cluster_header(request.user, subject.obj, "log")
    return _render(
        request,
        "audit/object_log.html",
        log,
        reverse(f"audit-log-{subject.key}-export", args=subject.args),
        object=subject.obj,
        heading=subject.heading % {"name": subject.obj},
        **extra,
    )


def _object_export(request: HttpRequest, subject: Subject) -> HttpResponse:
    log = _log_list(request, subject.obj, subject.by_them)
    return _export(request, log, f"log-{subject.key}-{subject.args[-1]}")


def _cluster(request: HttpRequest, slug: str) -> Subject:
    cluster = viewable_or_404(request.user, Cluster.objects.all(), slug=slug)
    return Subject(cluster, _("Cluster %(name)s: log"), "cluster", [slug])


def _vm(request: HttpRequest, cluster_slug: str, name: str) -> Subject:
    vm = viewable_or_404(
        request.user,
        VirtualMachine.objects.select_related("cluster"),
        cluster__slug=cluster_slug,
        name=name,
    )
    return Subject(vm, _("Virtual machine %(name)s: log"), "vm", [cluster_slug, name])


def _node(request: HttpRequest, cluster_slug: str, name: str) -> Subject:
    node = viewable_or_404(
        request.user, Node.objects.select_related("cluster"), cluster__slug=cluster_slug, name=name
    )
    return Subject(node, _("Node %(name)s: log"), "node", [cluster_slug, name])


def _user(request: HttpRequest, username: str) -> Subject:
    """A user's log (what they did and what was done to them): themself and superusers."""
    if not rules.may_see_user(request.user, username):
        raise Http404  # whether that user exists is not everyone's business
    user = get_object_or_404(User, username=username)
    return Subject(user, _("User %(name)s: log"), "user", [username], by_them=True)


def _group(request: HttpRequest, name: str) -> Subject:
    """A group's log: its administrators and superusers; members get 403, others 404."""
    group = get_object_or_404(Group, name=name)
    if not rules.may_see_group(request.user, group):
        raise Http404
    if not rules.may_manage_members(request.user, group):
        raise PermissionDenied
    return Subject(group, _("Group %(name)s: log"), "group", [name])


@login_required
@require_GET
def cluster_log(request: HttpRequest, slug: str) -> HttpResponse:
    return _object_log(request, _cluster(request, slug))


@login_required
@require_GET
def cluster_log_export(request: HttpRequest, slug: str) -> HttpResponse:
    return _object_export(request, _cluster(request, slug))


@login_required
@require_GET
def vm_log(request: HttpRequest, cluster_slug: str, name: str) -> HttpResponse:
    return _object_log(request, _vm(request, cluster_slug, name))


@login_required
@require_GET
def vm_log_export(request: HttpRequest, cluster_slug: str, name: str) -> HttpResponse:
    return _object_export(request, _vm(request, cluster_slug, name))


@login_required
@require_GET
def node_log(request: HttpRequest, cluster_slug: str, name: str) -> HttpResponse:
    return _object_log(request, _node(request, cluster_slug, name))


@login_required
@require_GET
def node_log_export(request: HttpRequest, cluster_slug: str, name: str) -> HttpResponse:
    return _object_export(request, _node(request, cluster_slug, name))


@login_required
@require_GET
def user_log(request: HttpRequest, username: str) -> HttpResponse:
    return _object_log(request, _user(request, username))


@login_required
@require_GET
def user_log_export(request: HttpRequest, username: str) -> HttpResponse:
    return _object_export(request, _user(request, username))


@login_required
@require_GET
def group_log(request: HttpRequest, name: str) -> HttpResponse:
    return _object_log(request, _group(request, name))


@login_required
@require_GET
def group_log_export(request: HttpRequest, name: str) -> HttpResponse:
    return _object_export(request, _group(request, name))
