from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.actions import web
from ganeti_webmgr.clusters import connection
from ganeti_webmgr.clusters.forms import ClusterEditForm, ClusterForm, ConfirmForm
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import forget
from ganeti_webmgr.core import dashboard
from ganeti_webmgr.ganeti import ClusterInfo
from ganeti_webmgr.jobs import live
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, visible
from ganeti_webmgr.quotas import usage as quota_usage
from ganeti_webmgr.virtual_machines.models import VirtualMachine

CHECK_AGAIN = gettext_lazy("The checked values were changed or are too old; please start again.")
# What adding a cluster saves (all checked first).
ADD_FIELDS = ["slug", *ClusterEditForm.CONNECTION_FIELDS, "description"]
# What editing may change, audited by value (the password only as "changed"). A new
# setting goes into the form's PLAIN_FIELDS (or CONNECTION_FIELDS) and FIELDSETS.
EDIT_FIELDS = [
    *ClusterEditForm.PLAIN_FIELDS,
    *(name for name in ClusterEditForm.CONNECTION_FIELDS if name != "password_encrypted"),
]


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
    clusters = list(visible(request.user, Cluster.objects.all()).order_by("slug"))
    counts = dashboard.counts(request.user)
    workings = rules.clusters_showing_sync_errors(request.user)
    for cluster in clusters:
        cluster.counts = counts.get(cluster.pk, dashboard.Counts())
        cluster.show_error = cluster.pk in workings
    return render(
        request,
        "clusters/list.html",
        {
            "clusters": clusters,
            "may_add": rules.may_add_clusters(request.user),
        },
    )


@login_required
@require_GET
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, get_visible_or_404(request.user, Cluster.objects.all(), slug=slug))


def _detail(request: HttpRequest, cluster: Cluster):
    user = request.user
    vms = visible(user, VirtualMachine.objects.filter(cluster=cluster, missing=False))
    running = vms.filter(status="running").count()
    nodes = visible(user, Node.objects.filter(cluster=cluster)).order_by("name")
    return render(
        request,
        "clusters/detail.html",
        {
            "cluster": cluster,
            "cluster_header": cluster_header(user, cluster, "overview", panel=True),
            "vm_count": vms.count(),
            "running": running,
            "nodes": nodes,
            "recent": live.of_cluster(user, cluster),
            "is_admin": can(user, "grant", cluster),
            "sees_workings": rules.may_see_sync_errors(user, cluster),
            "may_edit": rules.may_edit_cluster(user, cluster),
            "may_remove": rules.may_remove_cluster(user, cluster),
            "over_quota": [o for o in quota_usage.per_owner(cluster) if o.over]
            if rules.may_set_quotas(user, cluster)
            else [],
        },
    )


@login_required
@require_POST
def cluster_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask gwm-worker to sync now (a GWM-side request: allowed on read-only clusters)."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), "grant", slug=slug)
    with audit.change(
        "cluster.sync",
        request=request,
        targets=[cluster],
        message=f"sync of {cluster.slug} requested",
    ):
        Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=timezone.now())
    messages.success(request, _("A sync was requested; the page shows its result shortly."))
    return redirect("cluster-detail", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Redistribute the configuration, the cluster's tags (ganeti_webmgr/actions/cluster.py):
    the action's own page (GET: its form, in the page's dialog with JavaScript) and the
    request for it (POST)."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not web.known(f"cluster.{action}"):
        return HttpResponse(f"unknown action {action!r}", status=404, content_type="text/plain")
    back = reverse("cluster-detail", args=[slug])
    if request.method == "GET":
        return web.action_page(request, f"cluster.{action}", cluster, back=back)
    return web.perform(request, f"cluster.{action}", cluster, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Forget the cluster in GWM (superusers); Ganeti itself is not touched."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not rules.may_remove_cluster(request.user, cluster):
        raise PermissionDenied(_("only superusers remove clusters from GWM"))
    if request.method == "POST":
        if request.POST.get("confirm_name") != cluster.slug:
            messages.error(
                request, _("To remove it, type the cluster's name (%(name)s).") % {"name": slug}
            )
            return redirect("cluster-delete", slug=slug)
        pk = cluster.pk
        with audit.change(
            "cluster.remove",
            request=request,
            targets=[cluster],
            message=f"{cluster.slug} ({cluster.url}) removed from GWM",
        ):
            cluster.delete()
        forget(pk)
        messages.success(
            request, _("%(name)s was removed from GWM; Ganeti was not touched.") % {"name": slug}
        )
        return redirect("cluster-list")
    return render(request, "clusters/delete.html", {"cluster": cluster})


@login_required
@require_http_methods(["GET", "POST"])
def cluster_add(request: HttpRequest) -> HttpResponse:
    """Add a cluster: check it (and show its certificate), then confirm (superusers)."""
    if not rules.may_add_clusters(request.user):
        raise PermissionDenied(_("only superusers add clusters"))
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _add_confirmed(request)
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cluster = form.new_cluster()
        try:
            info = connection.check(cluster, form.cleaned_data["trust"])
        except connection.CheckFailed as failure:
            form.add_error(None, str(failure))
        else:
            values = {name: getattr(cluster, name) for name in ADD_FIELDS}
            values["identity"] = [info.name, info.uuid]
            return _confirm_page(
                request,
                cluster,
                info,
                ConfirmForm(purpose="add", values=values),
                title=_("Add this cluster"),
                again=reverse("cluster-add"),
            )
    return render(request, "clusters/add.html", {"form": form})


def _add_confirmed(request: HttpRequest) -> HttpResponse:
    confirm = ConfirmForm(request.POST, purpose="add")
    if not confirm.is_valid():
        messages.error(request, CHECK_AGAIN)
        return redirect("cluster-add")
    values = confirm.cleaned_data["checked"]
    if Cluster.objects.filter(slug=values["slug"]).exists():
        messages.error(
            request, _("A cluster named %(name)r exists already.") % {"name": values["slug"]}
        )
        return redirect("cluster-add")
    # Checked again: another administrator may have added it since the check.
    name, uuid = values.get("identity") or ["", None]
    duplicate = connection.already_added(name, uuid)
    if duplicate:
        messages.error(request, duplicate)
        return redirect("cluster-add")
    with audit.change("cluster.add", request=request) as entry:
        # Who it is, known before the first sync, so a second add is refused meanwhile.
        cluster = Cluster.objects.create(
            **{field: values[field] for field in ADD_FIELDS},
            ganeti_name=name,
            info={"name": name, "uuid": uuid} if name else {},
        )
        entry.targets = [cluster]
        entry.message = f"{cluster.slug} ({cluster.url}) added; trust: {cluster.trust_description}"
    messages.success(
        request,
        _("Cluster %(name)s added; gwm-worker syncs it shortly.") % {"name": cluster.slug},
    )
    return redirect("cluster-detail", slug=cluster.slug)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a cluster (superusers): a change of how GWM connects is checked and
    confirmed first, like adding one; the rest is saved at once."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not rules.may_edit_cluster(request.user, cluster):
        raise PermissionDenied(_("only superusers edit clusters"))
    purpose = f"edit:{cluster.pk}"
    if request.method == "POST" and request.POST.get("step") == "confirm":
        confirm = ConfirmForm(request.POST, purpose=purpose)
        if not confirm.is_valid():
            messages.error(request, CHECK_AGAIN)
            return redirect("cluster-edit", slug=slug)
        return _save_edit(request, cluster, confirm.cleaned_data["checked"])
    form = ClusterEditForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        values = form.new_values()
        if not form.checks_connection(values):
            return _save_edit(request, cluster, values)
        checked = copy.copy(cluster)  # never saved: the check's own copy
        for name, value in values.items():
            setattr(checked, name, value)
        try:
            info = connection.check(checked, form.cleaned_data["trust"])
        except connection.CheckFailed as failure:
            form.add_error(None, str(failure))
        else:
            if "fingerprint" in values:
                values["fingerprint"] = checked.fingerprint  # pinned by the check
            return _confirm_page(
                request,
                checked,
                info,
                ConfirmForm(purpose=purpose, values=values),
                title=_("Save the changes to %(name)s") % {"name": cluster.slug},
                again=reverse("cluster-edit", args=[cluster.slug]),
                changed=_changed(cluster, values),
            )
    return render(
        request,
        "clusters/edit.html",
        {
            "cluster": cluster,
            "form": form,
            "cluster_header": cluster_header(request.user, cluster, ""),
        },
    )


def _confirm_page(
    request: HttpRequest,
    cluster: Cluster,
    info: ClusterInfo,
    confirm: ConfirmForm,
    *,
    title: str,
    again: str,
    changed: list[str] | None = None,
) -> HttpResponse:
    """The page asking "Is this the right cluster?": what Ganeti said, the certificate
    and the access GWM will have; its button saves what was checked."""
    return render(
        request,
        "clusters/confirm.html",
        {
            "cluster": cluster,
            "info": info,
            "confirm": confirm,
            "title": title,
            "again": again,
            "changed": changed,
        },
    )


def _changed(cluster: Cluster, values: dict) -> list[str]:
    """Names of the settings values changes, the password named but never shown."""
    names = [
        name for name in EDIT_FIELDS if name in values and values[name] != getattr(cluster, name)
    ]
    if (
        "password_encrypted" in values
        and values["password_encrypted"] != cluster.password_encrypted
    ):
        names.append("password")
    return names


def _save_edit(request: HttpRequest, cluster: Cluster, values: dict) -> HttpResponse:
    changed = _changed(cluster, values)
    if not changed:
        messages.info(request, _("Nothing was changed."))
        return redirect("cluster-detail", slug=cluster.slug)
    before = audit.snapshot(cluster, EDIT_FIELDS)
    had_password = bool(cluster.password_encrypted)
    fields = [name for name in [*EDIT_FIELDS, "password_encrypted"] if name in values]
    for name in fields:
        setattr(cluster, name, values[name])
    changes = audit.changes(before, audit.snapshot(cluster, EDIT_FIELDS))
    if "password" in changed:
        # Masked by audit.record: the log says it changed (or was removed), never what to.
        changes["password"] = [
            "set" if had_password else "",
            "set" if cluster.password_encrypted else "",
        ]
    with audit.change(
        "cluster.edit",
        request=request,
        targets=[cluster],
        changes=changes,
        message=f"{cluster.slug}: {', '.join(changed)} changed",
    ):
        cluster.save(update_fields=fields)
    forget(cluster.pk)  # this process's client used the old settings
    Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=timezone.now())
    messages.success(
        request,
        _("Cluster %(name)s saved (%(changed)s); a sync was requested.")
        % {"name": cluster.slug, "changed": ", ".join(changed)},
    )
    return redirect("cluster-detail", slug=cluster.slug)
