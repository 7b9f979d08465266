"""Node lists and pages, and the node actions (declared in ganeti_webmgr/actions/node.py)."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from ganeti_webmgr.accounts import list_prefs
from ganeti_webmgr.actions import web
from ganeti_webmgr.audit import paging as log_paging
from ganeti_webmgr.audit import queries as log_queries
from ganeti_webmgr.audit.access import entry_filter
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import export, listing, tabs
from ganeti_webmgr.core.listing import ListQuery
from ganeti_webmgr.core.sorting import natural_key
from ganeti_webmgr.jobs import live
from ganeti_webmgr.nodes.filters import EXPORT_FIELDS, NODE_LIST
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.permissions.rules import get_visible_or_404, may_see_nodes, visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine

EXPORT_CHUNK = 1000


def _listed(request: HttpRequest, cluster: Cluster):
    columns, page_size = list_prefs.saved(request.user, NODE_LIST.name)
    groups = NodeGroup.objects.filter(cluster=cluster).order_by("name_key", "name")
    query = ListQuery(
        NODE_LIST,
        request.GET,
        saved_columns=columns,
        saved_page_size=page_size,
        choices={"group": tuple((g.name, g.name) for g in groups)},
    )
    nodes = query.apply(visible(request.user, Node.objects.filter(cluster=cluster)))
    return query, nodes


@login_required
@require_GET
def node_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    context = {"cluster": cluster, "cluster_header": cluster_header(request.user, cluster, "nodes")}
    if not may_see_nodes(request.user, cluster):
        return render(request, "nodes/list.html", {**context, "hidden": True}, status=403)
    query, nodes = _listed(request, cluster)
    rows = Node.objects.select_related("group").defer("raw")
    paginator = listing.TwoStepPaginator(
        nodes, query.page_size, lambda ids: rows.filter(pk__in=ids)
    )
    shown = query.shown
    export_url = reverse("node-export", args=[cluster.slug])
    return render(
        request,
        "nodes/list.html",
        {
            **context,
            "query": query,
            "page": paginator.get_page(request.GET.get("page")),
            "headings": query.headings(shown),
            "shown": {c.key for c in shown},
            "all_columns": NODE_LIST.columns,
            "page_sizes": listing.PAGE_SIZES,
            "export_csv": f"{export_url}?{query.parameters(format='csv').urlencode()}",
            "export_json": f"{export_url}?{query.parameters(format='json').urlencode()}",
            "here": request.get_full_path(),
        },
    )


@login_required
@require_GET
def node_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The filtered node list as CSV or JSON, for those who may see the nodes."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not may_see_nodes(request.user, cluster):
        raise PermissionDenied
    if refused := export.refused_format(request):
        return refused
    fmt = request.GET.get("format", "csv")
    _query, nodes = _listed(request, cluster)
    rows = export.rows_in_chunks(nodes, [field for _key, field in EXPORT_FIELDS], EXPORT_CHUNK)
    keys = [key for key, _field in EXPORT_FIELDS]
    return export.response(fmt, f"nodes-{cluster.slug}", keys, rows)


@login_required
@require_GET
def node_detail(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    return _detail(request, _get(request, slug, name))


def _vms_of(node: Node, vms) -> list:
    """The node's VMs, primaries then secondaries, each in natural order, with the
    role they have here and the other node they use."""
    rows = vms.filter(Q(primary_node=node) | Q(secondary_node=node)).select_related(
        "primary_node", "secondary_node"
    )
    result = []
    for vm in rows:
        vm.role_here = "primary" if vm.primary_node_id == node.pk else "secondary"
        vm.other_node = vm.secondary_node if vm.role_here == "primary" else vm.primary_node
        result.append(vm)
    result.sort(key=lambda vm: (vm.role_here != "primary", natural_key(vm.name)))
    return result


# The node page's tabs (key, label), in order; ?tab=<key> selects one.
TABS = [
    ("overview", _("Overview")),
    ("vms", _("Virtual machines")),
    ("jobs", _("Jobs")),
    ("log", _("Log")),
]
LOG_ENTRIES = 20  # the Log tab's; the whole log is on its own page


def _detail(request: HttpRequest, node: Node):
    """The node page: its header (name, state, actions) and the selected tab; whoever
    sees the node sees every tab."""
    current = tabs.selected(request.GET.get("tab"), TABS, [key for key, _ in TABS])
    path = reverse("node-detail", args=[node.cluster.slug, node.name])
    context = {
        "node": node,
        "tabs": tabs.query_tabs(path, TABS, current),
        "tab": current,
        "header_actions": web.header_actions(request.user, node),
    }
    if current == "vms":
        vms = visible(
            request.user, VirtualMachine.objects.filter(cluster=node.cluster, removed_at=None)
        )
        context["vms"] = _vms_of(node, vms)
    elif current == "jobs":
        context["recent"] = live.of_node(request.user, node)
    elif current == "log":
        entries = log_paging.page(
            log_queries.for_object(node), QueryDict(), LOG_ENTRIES, keep=entry_filter(request.user)
        )
        context["log_page"] = replace(entries, previous=None, next=None)
        context["more_log"] = entries.next is not None
    else:
        context["vm_counts"] = {
            "primary": node.primary_vms.filter(removed_at=None).count(),
            "secondary": node.secondary_vms.filter(removed_at=None).count(),
        }
    return render(request, "nodes/detail.html", context)


@login_required
@require_GET
def node_jobs(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The "Recent jobs" fragment of the node page, polled while a job runs."""
    node = _get(request, slug, name)
    return live.fragment(request, "jobs/_recent.html", {"recent": live.of_node(request.user, node)})


@login_required
@require_http_methods(["GET", "POST"])
def node_action(request: HttpRequest, slug: str, name: str, action: str) -> HttpResponse:
    """An action's own page (GET: its form, in the page's dialog with JavaScript) and
    the request for it (POST)."""
    node = _get(request, slug, name)
    if not web.known(f"node.{action}"):
        return HttpResponse(f"unknown action {action!r}", status=404, content_type="text/plain")
    back = reverse("node-detail", args=[slug, node.name])
    if request.method == "GET":
        return web.action_page(request, f"node.{action}", node, back=back)
    return web.perform(request, f"node.{action}", node, back=back, done=f"{back}?tab=jobs")


def _get(request: HttpRequest, slug: str, name: str) -> Node:
    queryset = Node.objects.select_related("cluster", "group")
    return get_visible_or_404(request.user, queryset, cluster__slug=slug, name=name)
