"""Grant and revoke permissions on a cluster or a VM (admins of the object)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import granting, grants
from ganeti_webmgr.permissions.descriptions import described
from ganeti_webmgr.permissions.forms import GrantForm
from ganeti_webmgr.permissions.rules import get_visible_or_404
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@login_required
@require_http_methods(["GET", "POST"])
def cluster_permissions(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), "grant", slug=slug)
    return _edit(
        request,
        cluster,
        title=_("Permissions on cluster %(cluster)s") % {"cluster": cluster.slug},
        extra={"cluster_header": cluster_header(request.user, cluster, "permissions")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vm_permissions(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    vm = get_visible_or_404(
        request.user,
        VirtualMachine.objects.select_related("cluster"),
        "grant",
        cluster__slug=slug,
        name=name,
    )
    return _edit(request, vm, title=_("Permissions on %(vm)s") % {"vm": vm.name})


def _edit(request: HttpRequest, obj, title: str, extra: dict | None = None) -> HttpResponse:
    choices = [(code, f"{code}: {described(obj, code)}") for code in grants.grantable(obj)]
    form = GrantForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        holder = form.cleaned_data["holder"]
        granted, revoked = granting.set_permissions(
            request, obj, holder, form.cleaned_data["permissions"]
        )
        is_group = isinstance(holder, Group)
        if granted or revoked:
            messages.success(request, _summary(is_group, holder, granted, revoked))
        elif is_group:
            messages.info(request, _("No change for group %(holder)s.") % {"holder": holder})
        else:
            messages.info(request, _("No change for user %(holder)s.") % {"holder": holder})
        return redirect(request.path)
    return render(
        request,
        "permissions/edit.html",
        {
            "title": title,
            "object": obj,
            "form": form,
            "holders": grants.holders(obj),
            "codes": grants.grantable(obj),
            **(extra or {}),
        },
    )


def _summary(is_group, holder, granted, revoked) -> str:
    parts = []
    if granted:
        parts.append(_("granted %(codes)s") % {"codes": ", ".join(granted)})
    if revoked:
        parts.append(_("revoked %(codes)s") % {"codes": ", ".join(revoked)})
    values = {"holder": holder, "changes": "; ".join(parts)}
    if is_group:
        return _("Group %(holder)s: %(changes)s.") % values
    return _("User %(holder)s: %(changes)s.") % values
