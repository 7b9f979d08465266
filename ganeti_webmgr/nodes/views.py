"""Node lists and pages, and the node actions: role change, migrate, evacuate."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ganeti_webmgr.clusters.header import cluster_header, may_see_nodes
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti import RapiClient, RapiError
from ganeti_webmgr.jobs import live
from ganeti_webmgr.jobs.started import record_started
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, require, visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine

ROLES = [r for r in Node.Role.values if r != Node.Role.MASTER]  # master: master-failover only
EVACUATE_MODES = {
    "primary-only": "primary VMs",
    "secondary-only": "secondary VMs",
    "all": "all VMs",
}


@login_required
@require_GET
def node_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    context = {"cluster": cluster, "cluster_header": cluster_header(request.user, cluster, "nodes")}
    if not may_see_nodes(request.user, cluster):
        return render(request, "nodes/list.html", {**context, "hidden": True}, status=403)
    nodes = visible(request.user, Node.objects.filter(cluster=cluster)).select_related("group")
    return render(request, "nodes/list.html", {**context, "nodes": nodes.order_by("name")})


@login_required
@require_GET
def node_detail(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    node = _get(request, slug, name)
    vms = visible(request.user, VirtualMachine.objects.filter(cluster=node.cluster))
    return render(
        request,
        "nodes/detail.html",
        {
            "node": node,
            "primaries": vms.filter(primary_node=node).order_by("name"),
            "secondaries": vms.filter(secondary_node=node).order_by("name"),
            "recent": live.of_node(request.user, node),
            "roles": ROLES,
            "evacuate_modes": EVACUATE_MODES,
            "may": {a: can(request.user, a, node) for a in ("role", "migrate", "evacuate")},
        },
    )


@login_required
@require_GET
def node_jobs(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The "Recent jobs" fragment of the node page, polled while a job runs."""
    node = _get(request, slug, name)
    return live.fragment(request, "jobs/_recent.html", {"recent": live.of_node(request.user, node)})


@login_required
@require_POST
def node_action(request: HttpRequest, slug: str, name: str, action: str) -> HttpResponse:
    node = _get(request, slug, name)
    if action not in ("role", "migrate", "evacuate"):
        return HttpResponse(f"unknown action {action!r}", status=404, content_type="text/plain")
    require(request.user, action, node)
    try:
        describe, audit_action, start = _plan(action, node, request.POST)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("node-detail", slug=slug, name=name)
    try:
        job_id = start(client_for(node.cluster))
    except RapiError as failure:
        messages.error(request, f"Ganeti refused: {failure.message}")
        return redirect("node-detail", slug=slug, name=name)
    record_started(
        node.cluster,
        job_id,
        user=request.user,
        request=request,
        node=node,
        audit_action=audit_action,
        description=describe,
    )
    messages.success(request, f"Started: {describe} (Ganeti job {job_id}).")
    return redirect("node-detail", slug=slug, name=name)


def _plan(action: str, node: Node, post) -> tuple[str, str, Callable[[RapiClient], int]]:
    """What the action will do: (description, audit action, start(client) -> job id);
    ValueError naming the field when the form is wrong."""
    if action == "role":
        role, force = post.get("role"), post.get("force") == "on"
        if role not in ROLES:
            raise ValueError(f"Role: choose one of {', '.join(ROLES)}.")
        return (
            f"set the role of {node.name} to {role}",
            "node.modify",
            partial(RapiClient.set_node_role, name=node.name, role=role, force=force),
        )
    if action == "migrate":
        mode = post.get("mode") or None
        if mode not in (None, "live", "non-live"):
            raise ValueError("Migration mode: choose live or non-live.")
        return (
            f"migrate the primary VMs of {node.name}" + (f" ({mode})" if mode else ""),
            "node.migrate",
            partial(RapiClient.migrate_node, name=node.name, mode=mode),
        )
    mode = post.get("mode")
    if mode not in EVACUATE_MODES:
        raise ValueError(f"Evacuate: choose one of {', '.join(EVACUATE_MODES)}.")
    return (
        f"evacuate the {EVACUATE_MODES[mode]} of {node.name}",
        "node.evacuate",
        partial(RapiClient.evacuate_node, name=node.name, mode=mode),
    )


def _get(request: HttpRequest, slug: str, name: str) -> Node:
    queryset = Node.objects.select_related("cluster", "group")
    return get_visible_or_404(request.user, queryset, cluster__slug=slug, name=name)
