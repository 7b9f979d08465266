"""VM lists, the VM page and its actions."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.accounts import list_prefs
from ganeti_webmgr.actions import owner as owners
from ganeti_webmgr.actions import service, web
from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.audit import paging as log_paging
from ganeti_webmgr.audit import queries as log_queries
from ganeti_webmgr.audit.access import entry_filter
from ganeti_webmgr.clusters.header import cluster_header, freshness
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import export, listing, params, tabs
from ganeti_webmgr.core.grouped_pages import GroupedPaginator
from ganeti_webmgr.core.listing import ListQuery
from ganeti_webmgr.jobs import live
from ganeti_webmgr.permissions import grants, rules
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, require, visible
from ganeti_webmgr.virtual_machines import bulk, list_rows, ownership
from ganeti_webmgr.virtual_machines.filters import (
    EXPORT_FIELDS,
    EXPORT_KEYS,
    GROUPED_SORTS,
    VM_LIST,
    export_row,
)
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.virtual_machines.moved import MovedTo, follows_renames, renamed_from

EXPORT_CHUNK = 1000  # rows fetched at a time by an export


def _listed(request: HttpRequest, slug: str | None):
    """The cluster (or None), the list's query and the VMs it shows, scoped to the user."""
    cluster, choices = None, {}
    # Deleted from GWM: off the lists (the row stays for its log).
    queryset = VirtualMachine.objects.filter(removed_at=None)
    if slug is not None:
        cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
        queryset = queryset.filter(cluster=cluster)
    else:  # the clusters to filter by
        clusters = visible(request.user, Cluster.objects.order_by("slug"))
        choices["cluster"] = tuple((c.slug, str(c)) for c in clusters)
    columns, page_size = list_prefs.saved(request.user, VM_LIST.name)
    query = ListQuery(
        VM_LIST,
        request.GET,
        saved_columns=columns,
        saved_page_size=page_size,
        choices=choices,
        fixed=["cluster"] if cluster else [],
    )
    return cluster, query, query.apply(visible(request.user, queryset))


@login_required
@require_GET
def vm_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    cluster, query, vms = _listed(request, slug)
    # Node names link to node pages where the user may see the nodes.
    node_clusters = rules.clusters_with_visible_nodes(request.user)
    paginator = _paginator(query, vms, lambda ids: list_rows.rows(ids, node_clusters))
    page = paginator.get_page(request.GET.get("page"))
    matching = query.filter_parameters()
    if cluster:
        matching = "&".join(filter(None, [f"cluster={cluster.slug}", matching]))
    shown = query.shown if not cluster else [c for c in query.shown if c.key != "cluster"]
    export_url = reverse(
        "cluster-vm-export" if cluster else "vm-export", args=[cluster.slug] if cluster else []
    )
    return render(
        request,
        "virtual_machines/list.html",
        {
            "cluster": cluster,
            "cluster_header": cluster_header(request.user, cluster, "vms") if cluster else None,
            "query": query,
            "headings": query.headings(shown),
            "shown": {c.key for c in shown},
            "all_columns": [c for c in VM_LIST.columns if not (cluster and c.key == "cluster")],
            "page_sizes": listing.PAGE_SIZES,
            "page": page,
            "matching": matching,
            "max_selection": bulk.MAX_SELECTION,
            "export_csv": f"{export_url}?{query.parameters(format='csv').urlencode()}",
            "export_json": f"{export_url}?{query.parameters(format='json').urlencode()}",
            "bulk_actions": bulk.BULK_ACTIONS,
            "here": request.get_full_path(),
        },
    )


def _paginator(query: ListQuery, vms, fetch):
    """Pages in two steps (the page's ids, then their rows); by node or cluster, the
    ids a group at a time (core.grouped_pages)."""
    sort = query.sort or VM_LIST.default_sort
    grouped = GROUPED_SORTS.get(sort.removeprefix("-"))
    if grouped is None:
        return listing.TwoStepPaginator(vms, query.page_size, fetch)
    field, groups = grouped
    return GroupedPaginator(
        vms, query.page_size, fetch, field, groups(), VM_LIST.ties, sort.startswith("-")
    )


# The VM page's tabs (key, label), in order; ?tab=<key> selects one.
TABS = [
    ("overview", gettext_lazy("Overview")),
    ("console", gettext_lazy("Console")),
    ("disks", gettext_lazy("Disks")),
    ("network", gettext_lazy("Network")),
    ("parameters", gettext_lazy("Parameters")),
    ("jobs", gettext_lazy("Jobs")),
    ("log", gettext_lazy("Log")),
    ("permissions", gettext_lazy("Permissions")),
]
LOG_ENTRIES = 20  # the Log tab's; the whole log is on its own page


@login_required
@require_GET
def vm_export(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The filtered list as CSV or JSON: the same VMs the list shows this user."""
    if refused := export.refused_format(request):
        return refused
    fmt = request.GET.get("format", "csv")
    cluster, _query, vms = _listed(request, slug)
    rows = export.rows_in_chunks(vms, [field for _key, field in EXPORT_FIELDS], EXPORT_CHUNK)
    name = f"vms-{cluster.slug}" if cluster else "vms"
    return export.response(fmt, name, EXPORT_KEYS, map(export_row, rows))


@follows_renames
@login_required
@require_GET
def vm_detail(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    return _detail(request, _get(request, slug, name))


def shown_tabs(user, vm: VirtualMachine) -> list[str]:
    """The tabs of the VM page user sees: the console only to those who may use it,
    the permissions to those who may grant them."""
    allowed = {
        "console": not vm.removed_at and rules.may_use_console(user, vm),
        "permissions": can(user, "grant", vm),
    }
    return [key for key, _label in TABS if allowed.get(key, True)]


def _detail(request: HttpRequest, vm: VirtualMachine):
    """The VM page: its header (name, live state, actions) and the selected tab."""
    shown = shown_tabs(request.user, vm)
    current = tabs.selected(request.GET.get("tab"), TABS, shown)
    labels = dict(TABS)
    path = reverse("vm-detail", args=[vm.cluster.slug, vm.name])
    context = {
        **_actions_context(request, vm),
        "tabs": tabs.query_tabs(path, [(key, labels[key]) for key in shown], current),
        "tab": current,
        "shown": shown_state(vm),
        "active_jobs": list(vm.jobs.filter(finished=False).order_by("created_at")),
        "fresh": freshness(vm.cluster, user=request.user),
        "may_see_nodes": rules.may_see_nodes(request.user, vm.cluster),
        **_tab_context(request, vm, current),
    }
    return render(request, "virtual_machines/detail.html", context)


def _tab_context(request: HttpRequest, vm: VirtualMachine, tab: str) -> dict:
    user, raw = request.user, vm.raw or {}
    if tab == "overview":
        return {
            "may_grant": can(user, "grant", vm),
            "may_make_template": can(user, "admin", vm.cluster),
            "may_override_quota": rules.may_override_quota(user, vm.cluster),
        }
    if tab == "disks":
        sizes = raw.get("disk.sizes") or []
        return {"disks": [(index, size) for index, size in enumerate(sizes)]}
    if tab == "network":
        columns = [raw.get(f"nic.{k}") or [] for k in ("macs", "ips", "modes", "links")]
        count = max((len(c) for c in columns), default=0)
        nics = [
            (index, *(c[index] if index < len(c) else None for c in columns))
            for index in range(count)
        ]
        return {"nics": nics}
    if tab == "parameters":
        return {
            "parameter_groups": [
                (title, sorted((raw.get(key) or {}).items()))
                for key, title in (
                    ("beparams", _("Resources (backend parameters)")),
                    ("hvparams", _("Hypervisor parameters")),
                    ("osparams", _("OS parameters")),
                )
            ],
            "may_change_parameters": not service.why_not(user, ACTIONS["vm.parameters"], vm),
        }
    if tab == "jobs":
        return {"recent": live.of_vm(user, vm)}
    if tab == "log":
        entries = log_paging.page(
            log_queries.for_object(vm), QueryDict(), LOG_ENTRIES, keep=entry_filter(user)
        )
        # Only the newest: the whole log, with its pages and filters, has its own page.
        return {
            "log_page": replace(entries, previous=None, next=None),
            "more_log": entries.next is not None,
        }
    if tab == "permissions":
        return {"holders": grants.holders(vm)}
    return {}


def _actions_context(request: HttpRequest, vm: VirtualMachine):
    return {"vm": vm, "header_actions": web.header_actions(request.user, vm)}


def shown_state(vm: VirtualMachine) -> str:
    """What the offered actions and their forms depend on: when it differs from what
    the page was drawn with, the page fetches its actions again."""
    gone = "deleted" if vm.removed_at else "missing" if vm.missing else ""
    return f"{vm.status}.{int(vm.oper_state)}.{vm.serial_no}.{gone}"


@follows_renames
@login_required
@require_GET
def vm_status(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The state fragment of the VM page, polled by htmx while the page is open."""
    vm = _get(request, slug, name)
    active_jobs = vm.jobs.filter(finished=False).order_by("created_at")
    shown = shown_state(vm)
    response = render(
        request,
        "virtual_machines/_status.html",
        {"vm": vm, "active_jobs": active_jobs, "shown": shown},
    )
    response["Cache-Control"] = "no-store"
    if request.GET.get("shown", shown) != shown:
        response["HX-Trigger"] = "vm-changed"  # the page's actions fetch themselves again
    return response


@follows_renames
@login_required
@require_GET
def vm_actions(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The Actions card of the VM page, fetched again when the VM has changed."""
    vm = _get(request, slug, name)
    return live.fragment(request, "virtual_machines/_actions.html", _actions_context(request, vm))


@follows_renames
@login_required
@require_GET
def vm_jobs(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The "Recent jobs" fragment of the VM page, polled while a job runs."""
    vm = _get(request, slug, name)
    return live.fragment(request, "jobs/_recent.html", {"recent": live.of_vm(request.user, vm)})


@follows_renames
@login_required
@require_http_methods(["GET", "POST"])
def vm_action(request: HttpRequest, slug: str, name: str, action: str) -> HttpResponse:
    """An action's own page (GET: its form, in the page's dialog with JavaScript) and
    the request for it (POST)."""
    vm = _get(request, slug, name)
    full_name = f"vm.{action}"
    if action in ("parameters", "create") or not web.known(full_name):
        return HttpResponse(
            _("unknown action %(action)r") % {"action": action},
            status=404,
            content_type="text/plain",
        )
    back = reverse("vm-detail", args=[slug, vm.name])
    if request.method == "GET":
        return web.action_page(request, full_name, vm, back=back)
    # A deleted VM's page has nothing more to show; the others' Jobs tab shows the job.
    done = reverse("cluster-vm-list", args=[slug]) if action == "remove" else f"{back}?tab=jobs"
    return web.perform(request, full_name, vm, back=back, done=done)


@follows_renames
@login_required
@require_http_methods(["GET", "POST"])
def vm_parameters(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """OS, OS parameters and hypervisor parameters: a form that keeps what was typed."""
    vm = _get(request, slug, name)
    require(request.user, "modify", vm)
    action = ACTIONS["vm.parameters"]

    def page(failed="", form=None, status=200):
        form = form or action.form(vm, user=request.user)
        return render(
            request, "virtual_machines/parameters.html", {"vm": vm, "form": form}, status=status
        )

    if request.method == "POST":
        back = reverse("vm-detail", args=[slug, vm.name])
        return web.perform(request, "vm.parameters", vm, back=back, page=page)
    return page()


def _get(request: HttpRequest, slug: str, name: str) -> VirtualMachine:
    queryset = VirtualMachine.objects.select_related(
        "cluster", "primary_node", "secondary_node", "owner_user", "owner_group"
    )
    try:
        return get_visible_or_404(request.user, queryset, cluster__slug=slug, name=name)
    except Http404:
        renamed = renamed_from(request.user, slug, name)
        if renamed is None:
            raise
        raise MovedTo(renamed) from None


@login_required
@require_POST
def vm_bulk(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    back = params.local_path(request.POST.get("next"), request, "/vms/")
    if action not in bulk.BULK_ACTIONS:
        messages.error(
            request,
            _("Bulk action: choose one of %(actions)s.")
            % {"actions": ", ".join(bulk.BULK_ACTIONS)},
        )
        return redirect(back)
    owner = None
    if action == "owner":
        text = request.POST.get("owner", "")
        owner, error = ownership.parse_owner(text)
        if error:
            messages.error(request, error)
            return redirect(back)
    if request.POST.get("scope") == "matching":
        return _bulk_matching(request, action, owner, back)
    pks = [pk for pk in map(params.primary_key, request.POST.getlist("vm")) if pk is not None]
    if not pks:
        messages.error(request, _("Select at least one virtual machine."))
        return redirect(back)
    if action == "remove" and request.POST.get("confirm") != "delete":
        return render(
            request,
            "virtual_machines/bulk_confirm.html",
            {
                "vms": visible(request.user, VirtualMachine.objects.filter(pk__in=pks))
                .select_related("cluster")
                .order_by("name_key", "name"),
                "back": back,
            },
        )
    return _bulk_run(request, pks, action, owner, back)


def _bulk_matching(request: HttpRequest, action: str, owner, back: str) -> HttpResponse:
    """Everything a list's filter matches: the filter is evaluated again now, as the
    user may see it; the count is confirmed first, and again if it changed since."""
    selection = bulk.matching(request.user, request.POST.get("filter", ""))
    if selection.error:
        messages.error(request, selection.error)
        return redirect(back)
    confirmed = params.primary_key(request.POST.get("confirm_count"))
    typed = action != "remove" or request.POST.get("confirm") == "delete"
    if confirmed != selection.count or not typed:
        return render(
            request,
            "virtual_machines/bulk_matching.html",
            {
                "selection": selection,
                "action": action,
                "label": bulk.BULK_ACTIONS[action],
                "owner": request.POST.get("owner", ""),
                "filter": request.POST.get("filter", ""),
                "changed": confirmed is not None and confirmed != selection.count,
                "back": back,
            },
        )
    return _bulk_run(request, selection.pks, action, owner, back)


def _bulk_run(request: HttpRequest, pks: list[int], action: str, owner, back: str):
    if action == "owner" and not bulk.may_give_to_any(request.user, pks, owner):
        # As for an owner that does not exist: whether the group does stays private.
        messages.error(request, ownership.no_such_owner(request.POST.get("owner", "")))
        return redirect(back)
    outcomes = bulk.run(request.user, pks, action, request=request, owner=owner)
    return render(
        request,
        "virtual_machines/bulk_result.html",
        {
            "action": bulk.BULK_ACTIONS[action],
            "outcomes": outcomes,
            "back": back,
        },
    )


@follows_renames
@login_required
@require_POST
def vm_owner(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    vm = _get(request, slug, name)
    # Its admins; on a read-only cluster only GWM's record changes, so "grant".
    require(request.user, "grant", vm)
    owner, error = ownership.parse_owner(request.POST.get("owner", ""))
    if not error:
        try:
            owners.set_owner(
                request.user,
                vm,
                owner,
                request=request,
                override_quota=request.POST.get("override_quota") == "yes",
            )
        except (ownership.OwnerError, service.OverQuota) as problem:
            error = str(problem)
    if error:
        messages.error(request, error)
        return redirect("vm-detail", slug=slug, name=name)
    messages.success(
        request,
        _("%(vm)s now belongs to %(owner)s.") % {"vm": vm.name, "owner": owner or _("nobody")},
    )
    return redirect("vm-detail", slug=slug, name=name)


NOTES_MAX = 10_000


@follows_renames
@login_required
@require_POST
def vm_notes(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """GWM's own notes on a VM: its admins write them (read-only clusters too)."""
    vm = _get(request, slug, name)
    require(request.user, "grant", vm)
    notes = request.POST.get("notes", "").strip()
    if len(notes) > NOTES_MAX:
        messages.error(
            request,
            _("Notes: at most %(max)s characters (%(given)s given).")
            % {"max": f"{NOTES_MAX:,}", "given": f"{len(notes):,}"},
        )
        return render(
            request, "virtual_machines/notes.html", {"vm": vm, "notes": notes}, status=400
        )
    if notes != vm.notes:
        with audit.change(
            "vm.notes",
            request=request,
            targets=[vm, vm.cluster],
            changes={"notes": [vm.notes, notes]},
            message=f"notes of {vm.name} changed",
        ):
            VirtualMachine.objects.filter(pk=vm.pk).update(notes=notes)
        messages.success(request, _("Notes saved."))
    return redirect("vm-detail", slug=slug, name=name)
