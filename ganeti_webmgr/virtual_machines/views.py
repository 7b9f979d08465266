"""VM lists, the VM page and its actions."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiError
from ganeti_webmgr.jobs import live
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, require, visible
from ganeti_webmgr.virtual_machines import actions, bulk, ownership
from ganeti_webmgr.virtual_machines.filters import VMFilter
from ganeti_webmgr.virtual_machines.forms import ParametersForm
from ganeti_webmgr.virtual_machines.models import VirtualMachine

PER_PAGE = 50
# What the list shows. Not Ganeti's whole record (`raw`) and the other wide columns of
# the VM, its cluster and node: a sort would carry them through its temporary B-tree,
# several times slower at 10,000 VMs (bench/vm_list.py).
LIST_COLUMNS = (
    "name",
    "status",
    "missing",
    "memory",
    "vcpus",
    "disk_size",
    "cluster__slug",
    "primary_node__name",
    "owner_user__username",
    "owner_group__name",
)
TAG = re.compile(r"[\w.+*/:@-]{1,128}")  # what Ganeti accepts


@login_required
@require_GET
def vm_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    cluster = header = None
    queryset = VirtualMachine.objects.select_related(
        "cluster", "primary_node", "owner_user", "owner_group"
    ).only(*LIST_COLUMNS)
    if slug is not None:
        cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
        header = cluster_header(request.user, cluster, "vms")
        queryset = queryset.filter(cluster=cluster)
    form = VMFilter(request.GET or None)
    vms = form.apply(visible(request.user, queryset))
    page = Paginator(vms, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "virtual_machines/list.html",
        {
            "cluster": cluster,
            "cluster_header": header,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "bulk_actions": bulk.BULK_ACTIONS,
            "here": request.get_full_path(),
        },
    )


@login_required
@require_GET
def vm_detail(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    return _detail(request, _get(request, slug, name))


def _detail(request: HttpRequest, vm: VirtualMachine, failed: str = ""):
    """The VM page; after a refused action (`failed`), its form keeps what was typed."""
    allowed = {
        action: can(request.user, spec.permission, vm) for action, spec in actions.ACTIONS.items()
    }
    recent = live.of_vm(request.user, vm)
    return render(
        request,
        "virtual_machines/detail.html",
        {
            "vm": vm,
            "active_jobs": [job for job in recent.jobs if not job.finished],
            "allowed": allowed,
            "recent": recent,
            "may_grant": can(request.user, "grant", vm),
            "may_make_template": can(request.user, "admin", vm.cluster),
            "failed": failed,
            "typed": request.POST if failed else {},
        },
    )


@login_required
@require_GET
def vm_status(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The state fragment of the VM page, polled by htmx while the page is open."""
    vm = _get(request, slug, name)
    active_jobs = vm.jobs.filter(finished=False).order_by("created_at")
    response = render(
        request, "virtual_machines/_status.html", {"vm": vm, "active_jobs": active_jobs}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def vm_jobs(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The "Recent jobs" fragment of the VM page, polled while a job runs."""
    vm = _get(request, slug, name)
    return live.fragment(request, "jobs/_recent.html", {"recent": live.of_vm(request.user, vm)})


@login_required
@require_POST
def vm_action(request: HttpRequest, slug: str, name: str, action: str) -> HttpResponse:
    vm = _get(request, slug, name)
    if action not in actions.ACTIONS or action == "parameters":  # that one has its own page
        return HttpResponse(f"unknown action {action!r}", status=404, content_type="text/plain")
    require(request.user, actions.ACTIONS[action].permission, vm)
    params, error = _params(action, request.POST, vm)
    if error:
        messages.error(request, error)
        return _detail(request, vm, failed=action)
    try:
        job = actions.perform(request.user, vm, action, request=request, **params)
    except RapiError as failure:
        messages.error(request, f"Ganeti refused: {failure.message}")
        return _detail(request, vm, failed=action)
    messages.success(request, f"Started: {job.operations[0]} (Ganeti job {job.job_id}).")
    if action == "remove":
        return redirect("cluster-vm-list", slug=slug)
    return redirect("vm-detail", slug=slug, name=name)


@login_required
@require_http_methods(["GET", "POST"])
def vm_parameters(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """OS, OS parameters and hypervisor parameters: a form that keeps what was typed."""
    vm = _get(request, slug, name)
    require(request.user, "modify", vm)
    form = ParametersForm(vm, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.perform(request.user, vm, "parameters", request=request, **form.changes())
        except RapiError as failure:
            form.add_error(None, f"Ganeti refused: {failure.message}")
        else:
            messages.success(request, f"Started: {job.operations[0]} (Ganeti job {job.job_id}).")
            return redirect("vm-detail", slug=slug, name=name)
    return render(request, "virtual_machines/parameters.html", {"vm": vm, "form": form})


def _get(request: HttpRequest, slug: str, name: str) -> VirtualMachine:
    queryset = VirtualMachine.objects.select_related(
        "cluster", "primary_node", "secondary_node", "owner_user", "owner_group"
    )
    return get_visible_or_404(request.user, queryset, cluster__slug=slug, name=name)


def _params(action: str, post, vm: VirtualMachine) -> tuple[dict, str]:
    """The action's parameters from the form, or an error message naming the field."""
    if action == "shutdown":
        timeout = post.get("timeout", "").strip()
        if not timeout:
            return {}, ""
        if not timeout.isdigit() or not 0 <= int(timeout) <= 3600:
            return {}, "Shutdown timeout: give whole seconds from 0 to 3600."
        return {"timeout": int(timeout)}, ""
    if action == "reboot":
        kind = post.get("type", "soft")
        if kind not in ("soft", "hard", "full"):
            return {}, "Reboot type: choose soft, hard or full."
        return {"type": kind}, ""
    if action == "migrate":
        mode = post.get("mode") or None
        if mode not in (None, "live", "non-live"):
            return {}, "Migration mode: choose live or non-live."
        return {"mode": mode, "cleanup": post.get("cleanup") == "on"}, ""
    if action == "reinstall":
        return {"os": post.get("os", "").strip() or None}, ""
    if action == "rename":
        new_name = post.get("new_name", "").strip()
        if not new_name or new_name == vm.name:
            return {}, "New name: give a different name."
        return {"new_name": new_name}, ""
    if action == "remove" and post.get("confirm_name") != vm.name:
        return {}, f"To delete it, type the VM's name ({vm.name}) exactly."
    if action == "modify":
        return _modify_params(post, vm)
    if action == "grow_disk":
        disk, amount = post.get("disk", ""), post.get("amount", "")
        if not disk.isdigit() or int(disk) >= max(vm.disk_count, 1):
            return {}, f"Disk: give a disk number from 0 to {max(vm.disk_count - 1, 0)}."
        if not amount.isdigit() or int(amount) < 1:
            return {}, "Grow by: give a whole number of MiB, at least 1."
        return {"disk": int(disk), "amount": int(amount)}, ""
    if action == "tags":
        add = post.get("add", "").split()
        remove = [t for t in post.getlist("remove") if t in vm.tags]
        bad = [t for t in add if not TAG.fullmatch(t)]
        if bad:
            return {}, f"Tags: {bad[0]!r} is not a Ganeti tag (letters, digits, .+*/:@-_)."
        if not add and not remove:
            return {}, "Tags: nothing to add or remove."
        return ({"remove": remove} if remove else {"add": add}), ""
    return {}, ""


def _modify_params(post, vm: VirtualMachine) -> tuple[dict, str]:
    params = {}
    for field, label in (("maxmem", "Memory"), ("minmem", "Minimum memory"), ("vcpus", "vCPUs")):
        text = post.get(field, "").strip()
        if not text:
            continue
        if not text.isdigit() or int(text) < 1:
            return {}, f"{label}: give a whole number, at least 1."
        params[field] = int(text)
    if params.get("minmem") and params.get("maxmem") and params["minmem"] > params["maxmem"]:
        return {}, "Minimum memory: may not exceed the memory."
    if post.get("add_nic") == "on":
        nic = {k: post[f"nic_{k}"].strip() for k in ("link", "mode") if post.get(f"nic_{k}")}
        if nic.get("mode") not in (None, "bridged", "routed", "openvswitch"):
            return {}, "Network mode: choose bridged, routed or openvswitch."
        params["add_nic"] = nic
    if post.get("remove_nic") == "on":
        if "add_nic" in params:
            return {}, "Network cards: add one or remove one, not both at once (Ganeti's rule)."
        if not vm.nic_macs:
            return {}, "Network cards: this VM has none to remove."
        params["remove_nic"] = True
    if size := post.get("add_disk", "").strip():
        if not size.isdigit() or int(size) < 1:
            return {}, "New disk: give its size in whole MiB."
        params["add_disk"] = int(size)
    if not params:
        return {}, "Modify: nothing to change."
    return params, ""


@login_required
@require_POST
def vm_bulk(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    pks = [int(pk) for pk in request.POST.getlist("vm") if pk.isdigit()]
    back = request.POST.get("next") or "/vms/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/vms/"
    if action not in bulk.BULK_ACTIONS:
        messages.error(request, "Bulk action: choose one of " + ", ".join(bulk.BULK_ACTIONS) + ".")
        return redirect(back)
    if not pks:
        messages.error(request, "Select at least one virtual machine.")
        return redirect(back)
    owner = None
    if action == "owner":
        owner, error = ownership.parse_owner(request.POST.get("owner", ""))
        if error:
            messages.error(request, error)
            return redirect(back)
    if action == "remove" and request.POST.get("confirm") != "delete":
        return render(
            request,
            "virtual_machines/bulk_confirm.html",
            {
                "vms": visible(request.user, VirtualMachine.objects.filter(pk__in=pks))
                .select_related("cluster")
                .order_by("name"),
                "back": back,
            },
        )
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


@login_required
@require_POST
def vm_owner(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    vm = _get(request, slug, name)
    # Its admins; on a read-only cluster only GWM's record changes, so "grant".
    require(request.user, "grant", vm)
    owner, error = ownership.parse_owner(request.POST.get("owner", ""))
    if not error:
        try:
            jobs = ownership.set_owner(vm, owner, requested_by=request.user)
        except ownership.OwnerError as problem:
            error = str(problem)
    if error:
        messages.error(request, error)
        return redirect("vm-detail", slug=slug, name=name)
    audit.record(
        "vm.owner",
        request=request,
        targets=[vm, vm.cluster],
        job=jobs[-1] if jobs else None,
        message=f"owner of {vm.name}: {owner or 'nobody'}",
    )
    messages.success(request, f"{vm.name} now belongs to {owner or 'nobody'}.")
    return redirect("vm-detail", slug=slug, name=name)


NOTES_MAX = 10_000


@login_required
@require_POST
def vm_notes(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """GWM's own notes on a VM: its admins write them (read-only clusters too)."""
    vm = _get(request, slug, name)
    require(request.user, "grant", vm)
    notes = request.POST.get("notes", "").strip()
    if len(notes) > NOTES_MAX:
        messages.error(request, f"Notes: at most {NOTES_MAX:,} characters ({len(notes):,} given).")
        return render(
            request, "virtual_machines/notes.html", {"vm": vm, "notes": notes}, status=400
        )
    if notes != vm.notes:
        VirtualMachine.objects.filter(pk=vm.pk).update(notes=notes)
        audit.record(
            "vm.notes",
            request=request,
            targets=[vm, vm.cluster],
            changes={"notes": [vm.notes, notes]},
            message=f"notes of {vm.name} changed",
        )
        messages.success(request, "Notes saved.")
    return redirect("vm-detail", slug=slug, name=name)
