"""The console pages (VNC, serial), their tickets, and a cluster's console settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.console import tickets
from ganeti_webmgr.console.forms import ConsoleAccessForm, ConsoleSettingsForm
from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.core.headers import allow_inline_style_elements
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.permissions.rules import get_visible_or_404
from ganeti_webmgr.virtual_machines.models import VirtualMachine

TEMPLATES = {"vnc": "console/vnc.html", "serial": "console/serial.html"}


def _console_vm(request: HttpRequest, slug: str, name: str) -> VirtualMachine:
    """The VM, if the user may see it (else 404) and use its console (else 403)."""
    queryset = VirtualMachine.objects.select_related("cluster").filter(removed_at__isnull=True)
    vm = get_visible_or_404(request.user, queryset, cluster__slug=slug, name=name)
    if not rules.may_use_console(request.user, vm):
        raise PermissionDenied(_("not allowed to use the console of %(vm)s") % {"vm": vm})
    return vm


@login_required
@require_GET
def console(request: HttpRequest, slug: str, name: str, kind: str = "vnc") -> HttpResponse:
    vm = _console_vm(request, slug, name)
    popout = request.GET.get("popout") == "1"
    response = render(
        request,
        TEMPLATES[kind],
        {
            "vm": vm,
            "kind": kind,
            "popout": popout,
            "ticket_url": reverse("console-ticket", args=[slug, name, kind]),
            "popout_url": f"{request.path}?popout=1",
        },
    )
    if kind == "serial":  # xterm.js styles its terminal with <style> elements
        allow_inline_style_elements(response)
    return response


@login_required
@require_POST
def ticket(request: HttpRequest, slug: str, name: str, kind: str) -> JsonResponse:
    """A one-time ticket for the console websocket, as the URL to open (CSRF-checked)."""
    if kind not in TEMPLATES:
        raise Http404("no such console")
    vm = _console_vm(request, slug, name)
    token = tickets.issue(request.user, vm, kind)
    url = tickets.websocket_url(request, vm, kind, token)
    return JsonResponse({"url": url}, headers={"Cache-Control": "no-store"})


@login_required
@require_http_methods(["GET", "POST"])
def cluster_console(request: HttpRequest, slug: str) -> HttpResponse:
    """The cluster's console settings: who may edit the cluster sets the VNC password
    (write-only), the VNC TLS CA, the serial console's key and trusted host keys."""
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not rules.may_edit_cluster(request.user, cluster):
        raise PermissionDenied(_("not allowed to edit this cluster"))
    settings = ClusterConsole.objects.filter(cluster=cluster).first()
    which = request.POST.get("form", "password") if request.method == "POST" else ""
    form = ConsoleSettingsForm(request.POST if which == "password" else None)
    access = ConsoleAccessForm(
        request.POST if which == "access" else None, initial=_access_initial(settings)
    )
    if which == "password" and form.is_valid():
        settings = settings or ClusterConsole(cluster=cluster)
        was_set = bool(settings.vnc_password_encrypted)
        data = form.cleaned_data
        settings.vnc_password = "" if data["clear"] else data["vnc_password"]
        now_set = bool(settings.vnc_password_encrypted)
        what = "VNC password set" if now_set else "VNC password cleared"  # for the log
        shown = _("VNC password set") if now_set else _("VNC password cleared")
        with audit.change(
            "cluster.console",
            request=request,
            targets=[cluster],
            # The log says it changed (or was cleared), never what to.
            changes={"vnc_password": ["set" if was_set else "", "set" if now_set else ""]},
            message=f"{cluster.slug}: {what}",
        ):
            settings.save()
        messages.success(
            request, _("Cluster %(cluster)s: %(what)s.") % {"cluster": cluster.slug, "what": shown}
        )
        return redirect("cluster-console", slug=cluster.slug)
    if which == "access" and access.is_valid():
        settings = settings or ClusterConsole(cluster=cluster)
        return _save_access(request, cluster, settings, access.cleaned_data)
    return render(
        request,
        "console/cluster_settings.html",
        {
            "cluster": cluster,
            "form": form,
            "password_set": bool(settings and settings.vnc_password_encrypted),
            "access": access,
            "public_key": settings.serial_public_key() if settings else "",
            "cluster_header": cluster_header(request.user, cluster, ""),
        },
    )


def _access_initial(settings: ClusterConsole | None) -> dict:
    if settings is None:
        return {"serial_accept_new_host_keys": True}
    return {
        "vnc_tls_ca": settings.vnc_tls_ca,
        "serial_known_hosts": settings.serial_known_hosts,
        "serial_accept_new_host_keys": settings.serial_accept_new_host_keys,
    }


def _save_access(request, cluster: Cluster, settings: ClusterConsole, data: dict):
    before = _access_initial(settings)
    changes = {}
    for field in ("vnc_tls_ca", "serial_known_hosts", "serial_accept_new_host_keys"):
        if before.get(field) != data[field]:
            setattr(settings, field, data[field])
            # What a certificate or a host key list became is for the page; the log
            # says which changed.
            changes[field] = ["", "changed"]
    if data["generate_serial_key"]:
        settings.generate_serial_key()
        changes["serial_key"] = ["", "new key"]
    if not changes:
        messages.info(
            request, _("Cluster %(cluster)s: nothing changed.") % {"cluster": cluster.slug}
        )
        return redirect("cluster-console", slug=cluster.slug)
    what = ", ".join(changes)
    with audit.change(
        "cluster.console",
        request=request,
        targets=[cluster],
        changes=changes,
        message=f"{cluster.slug}: console settings changed ({what})",
    ):
        settings.save()
    messages.success(
        request,
        _("Cluster %(cluster)s: saved (%(what)s).") % {"cluster": cluster.slug, "what": what},
    )
    return redirect("cluster-console", slug=cluster.slug)
