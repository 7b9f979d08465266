"""The import tools' pages: an overview of every cluster the user administers, and per
cluster one page for each category (new or gone VMs and nodes, VMs without owner).

Cluster administrators ("grant": GWM-side work, so read-only clusters included) and
superusers; others get 404 or 403 as on the cluster's permissions page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from ganeti_webmgr.actions.service import OverQuota
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import Instance
from ganeti_webmgr.ganeti import Node as RapiNode
from ganeti_webmgr.imports import services
from ganeti_webmgr.imports.forms import AssignForm, ForgetForm, ImportNodesForm, ImportVMsForm
from ganeti_webmgr.permissions.rules import get_visible_or_404, may_use_import_tools, visible
from ganeti_webmgr.virtual_machines.ownership import PREFIX

PER_PAGE = 100
# section: (template, heading, noun)
SECTIONS = {
    "vms": ("imports/vms_new.html", gettext_lazy("Virtual machines new in Ganeti"), "vm"),
    "vms-gone": ("imports/vms_gone.html", gettext_lazy("Virtual machines gone from Ganeti"), "vm"),
    "orphans": ("imports/orphans.html", gettext_lazy("Virtual machines without owner"), "vm"),
    "nodes": ("imports/nodes_new.html", gettext_lazy("Nodes new in Ganeti"), "node"),
    "nodes-gone": ("imports/nodes_gone.html", gettext_lazy("Nodes gone from Ganeti"), "node"),
}


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    if not may_use_import_tools(request.user):
        raise PermissionDenied(_("the import tools are for cluster administrators"))
    clusters = list(visible(request.user, Cluster.objects.all(), "grant").order_by("slug"))
    numbers = services.counts(request.user, clusters)
    return render(
        request, "imports/overview.html", {"rows": [(c, numbers[c.pk]) for c in clusters]}
    )


@login_required
@require_GET
def cluster_import(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    return render(
        request,
        "imports/cluster.html",
        {
            "cluster": cluster,
            "cluster_header": cluster_header(request.user, cluster, "import"),
            "counts": services.counts(request.user, [cluster])[cluster.pk],
        },
    )


# -- virtual machines ------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def vms_new(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    candidates = services.pending_vms(cluster)
    form = ImportVMsForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            outcomes = services.import_vms(
                request.user,
                cluster,
                form.cleaned_data["name"],
                form.cleaned_data["owner"],
                request=request,
                beyond_quota=form.cleaned_data["beyond_quota"],
            )
        except OverQuota as over:
            form.add_error("owner", str(over))
        else:
            return _results(request, _("Import"), outcomes, "cluster-import-vms", slug)
    return _list(request, cluster, "vms", candidates.order_by("name"), form)


@login_required
@require_http_methods(["GET", "POST"])
def vms_gone(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    candidates = services.gone_vms(request.user, cluster)
    return _forget_page(
        request,
        cluster,
        candidates,
        services.forget_vms,
        "vm",
        "vms-gone",
        candidates.select_related("primary_node", "owner_user", "owner_group"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def orphans(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    candidates = services.orphan_vms(request.user, cluster)
    form = AssignForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        outcomes = services.assign_owner(
            request.user,
            cluster,
            form.cleaned_data["name"],
            form.cleaned_data["owner"],
            request=request,
        )
        return _results(request, _("Change owner"), outcomes, "cluster-import-orphans", slug)
    queryset = candidates.select_related("primary_node")
    return _list(request, cluster, "orphans", queryset.order_by("name"), form)


# -- nodes -------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def nodes_new(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    candidates = services.pending_nodes(cluster)
    form = ImportNodesForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        imported = services.import_nodes(
            request.user, cluster, form.cleaned_data["name"], request=request
        )
        if imported:
            messages.success(
                request,
                _(
                    "Imported %(count)s: %(names)s. A sync was requested: the virtual "
                    "machines on them show their node once it ran."
                )
                % {"count": _count(len(imported), "node"), "names": ", ".join(imported)},
            )
        else:
            messages.info(request, _("Nothing was imported: the list changed meanwhile."))
        return redirect("cluster-import-nodes", slug=slug)
    return _list(request, cluster, "nodes", candidates.order_by("name"), form)


@login_required
@require_http_methods(["GET", "POST"])
def nodes_gone(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    candidates = services.gone_nodes(request.user, cluster)
    return _forget_page(
        request, cluster, candidates, services.forget_nodes, "node", "nodes-gone", candidates
    )


def _forget_page(request, cluster, candidates, forget, noun, section, listed) -> HttpResponse:
    """The list of what is gone from Ganeti; a removal asks for confirmation first."""
    url_name = f"cluster-import-{section}"
    form = ForgetForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        names = form.cleaned_data["name"]
        if request.POST.get("confirm") != "yes":
            return _confirm(request, cluster, names, noun, url_name)
        removed = forget(request.user, cluster, names, request=request)
        _removed_message(request, removed, noun)
        return redirect(url_name, slug=cluster.slug)
    return _list(request, cluster, section, listed.order_by("name"), form)


# -- helpers -----------------------------------------------------------------------------
def _data(request: HttpRequest):
    """The form's data: bound on every POST, an empty one included (nothing selected)."""
    return request.POST if request.method == "POST" else None


def _cluster(request: HttpRequest, slug: str) -> Cluster:
    return get_visible_or_404(request.user, Cluster.objects.all(), "grant", slug=slug)


@dataclass
class Row:
    """One line of a list: the object, and for pending ones Ganeti's record parsed."""

    obj: Any
    record: Any = None
    tag_owner: str = ""  # what a gwm:owner tag says, as user:NAME / group:NAME


def _rows(objects) -> list[Row]:
    rows = []
    for obj in objects:
        record = None
        if getattr(obj, "kind", None) == "vm":
            record = Instance.from_dict(obj.raw)
        elif getattr(obj, "kind", None) == "node":
            record = RapiNode.from_dict(obj.raw)
        tags = record.tags if record is not None else getattr(obj, "tags", [])
        owner = next((t[len(PREFIX) :] for t in tags if t.startswith(PREFIX)), "")
        rows.append(Row(obj, record, owner))
    return rows


def _list(request, cluster, section, queryset, form) -> HttpResponse:
    """A page of the list; after a refused POST, the user's ticks and owner kept."""
    template, heading, noun = SECTIONS[section]
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    if request.method == "POST":
        checked = set(request.POST.getlist("name"))
    elif request.GET.get("select") == "all":  # "select all on this page", without JS
        checked = {row.name for row in page.object_list}
    else:
        checked = set()
    return render(
        request,
        template,
        {
            "cluster": cluster,
            "cluster_header": cluster_header(request.user, cluster, "import"),
            "section": section,
            "heading": heading,
            "noun": noun,
            "count_text": _count(page.paginator.count, noun),
            "form": form,
            "page": page,
            "rows": _rows(page.object_list),
            "checked": checked,
            "max_selection": services.MAX_SELECTION,
        },
    )


def _confirm(request, cluster, names, noun, url_name) -> HttpResponse:
    return render(
        request,
        "imports/forget_confirm.html",
        {
            "cluster": cluster,
            "names": names,
            "noun": noun,
            "action": reverse(url_name, args=[cluster.slug]),
        },
    )


def _results(request, action, outcomes, url_name, slug) -> HttpResponse:
    """Per-VM results, on the bulk actions' own page."""
    return render(
        request,
        "virtual_machines/bulk_result.html",
        {"action": action, "outcomes": outcomes, "back": reverse(url_name, args=[slug])},
    )


def _removed_message(request, removed: list[str], noun: str) -> None:
    if removed:
        messages.success(
            request,
            _("Removed %(count)s from GWM: %(names)s. Ganeti was not touched.")
            % {"count": _count(len(removed), noun), "names": ", ".join(removed)},
        )
    else:
        messages.info(request, _("Nothing was removed: the list changed meanwhile."))


def _count(number: int, noun: str) -> str:
    """ "3 nodes", "1 virtual machine": noun is "node" or "vm"."""
    if noun == "node":
        text = ngettext("%(count)s node", "%(count)s nodes", number)
    else:
        text = ngettext("%(count)s virtual machine", "%(count)s virtual machines", number)
    return text % {"count": number}
