"""VM templates: saved wizard values per cluster.

Seen and used by whoever may create VMs on the cluster; made, changed, copied and
deleted by its admins.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import can, get_visible_or_404, require, visible
from ganeti_webmgr.provisioning import values
from ganeti_webmgr.provisioning.forms import TemplateForm
from ganeti_webmgr.provisioning.models import VMTemplate
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def _cluster(request: HttpRequest, slug: str, action: str) -> Cluster:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    require(request.user, action, cluster)
    return cluster


def _template(request: HttpRequest, slug: str, pk: int, action: str) -> VMTemplate:
    cluster = _cluster(request, slug, action)
    return get_object_or_404(VMTemplate.objects.select_related("cluster"), cluster=cluster, pk=pk)


@login_required
@require_GET
def template_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    clusters = visible(request.user, Cluster.objects.all(), "create_vm")
    cluster = None
    if slug is not None:
        cluster = _cluster(request, slug, "create_vm")
        clusters = clusters.filter(pk=cluster.pk)
    templates = VMTemplate.objects.filter(cluster__in=clusters).select_related("cluster")
    return render(
        request,
        "provisioning/template_list.html",
        {
            "cluster": cluster,
            "templates": templates.order_by("cluster__slug", "name"),
            "may_edit": cluster is not None and can(request.user, "admin", cluster),
            "cluster_header": cluster and cluster_header(request.user, cluster, "templates"),
        },
    )


@login_required
@require_GET
def template_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    template = _template(request, slug, pk, "create_vm")
    data = _as_data(template, request.user)
    form = TemplateForm(template.cluster, request.user, data, template=template)
    return render(
        request,
        "provisioning/template_detail.html",
        {
            "template": template,
            "summary": form.summary() if form.is_valid() else None,
            "problems": form.errors,
            "may_edit": can(request.user, "admin", template.cluster),
        },
    )


def _as_data(template: VMTemplate, user) -> dict:
    """The template's values as a filled-in form would post them (to check them)."""
    return values.as_form_data(template.cluster, user, template.values, template.name)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Make (pk None; POSTed from the wizard, or empty) or change a template."""
    cluster = _cluster(request, slug, "admin")
    template = get_object_or_404(VMTemplate, cluster=cluster, pk=pk) if pk else None
    if request.method == "POST" and "template_name" in request.POST:
        form = TemplateForm(cluster, request.user, request.POST, template=template)
        if form.is_valid():
            return _save(request, cluster, template, form)
    elif request.method == "POST":  # the wizard's "Save as a template": fill in, then name it
        posted = TemplateForm(cluster, request.user, request.POST)
        form = TemplateForm(cluster, request.user, initial=values.from_form(posted))
    elif template is not None:
        form = TemplateForm(
            cluster,
            request.user,
            initial={
                **template.values,
                "template_name": template.name,
                "template_description": template.description,
            },
            template=template,
        )
    else:
        form = TemplateForm(cluster, request.user)
    return render(
        request,
        "provisioning/template_edit.html",
        {"cluster": cluster, "form": form, "template": template},
    )


def _save(request, cluster, template, form) -> HttpResponse:
    new = template is None
    template = template or VMTemplate(cluster=cluster, created_by=request.user)
    template.name = form.cleaned_data["template_name"]
    template.description = form.cleaned_data["template_description"]
    template.values = values.from_form(form)
    with audit.change(
        "template.create" if new else "template.edit",
        request=request,
        targets=[cluster],
        message=f"VM template {template.name!r} of {cluster.slug} {'made' if new else 'changed'}",
    ):
        template.save()
    messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
    return redirect("vm-template-detail", slug=cluster.slug, pk=template.pk)


@login_required
@require_POST
def template_copy(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    template = _template(request, slug, pk, "admin")
    with audit.change("template.create", request=request, targets=[template.cluster]) as entry:
        copy = VMTemplate.objects.create(
            cluster=template.cluster,
            name=_free_name(template.cluster, f"{template.name} (copy)"),
            description=template.description,
            values=template.values,
            created_by=request.user,
        )
        entry.message = f"VM template {copy.name!r} of {slug} made as a copy of {template.name!r}"
    messages.success(
        request, _("Copied as %(name)s; rename it and change what differs.") % {"name": copy.name}
    )
    return redirect("vm-template-edit", slug=slug, pk=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    template = _template(request, slug, pk, "admin")
    if request.method == "POST":
        with audit.change(
            "template.delete",
            request=request,
            targets=[template.cluster],
            message=f"VM template {template.name!r} of {slug} deleted",
        ):
            template.delete()
        messages.success(request, _("Template %(name)s deleted.") % {"name": template.name})
        return redirect("cluster-vm-template-list", slug=slug)
    return render(request, "provisioning/template_delete.html", {"template": template})


@login_required
@require_POST
def template_from_vm(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    cluster = _cluster(request, slug, "admin")
    vm = get_object_or_404(
        VirtualMachine.objects.select_related("cluster", "primary_node", "secondary_node"),
        cluster=cluster,
        name=name,
    )
    with audit.change("template.create", request=request, targets=[vm, cluster]) as entry:
        template = VMTemplate.objects.create(
            cluster=cluster,
            name=_free_name(cluster, f"like {vm.name}"),
            description=f"Made from {vm.name}.",
            values=values.from_vm(vm),
            created_by=request.user,
        )
        entry.message = f"VM template {template.name!r} of {slug} made from {vm.name}"
    messages.success(request, _("Template made from the VM; check it and give it a name."))
    return redirect("vm-template-edit", slug=slug, pk=template.pk)


def _free_name(cluster: Cluster, wanted: str) -> str:
    taken = set(cluster.vm_templates.values_list("name", flat=True))
    name, number = wanted[:100], 2
    while name in taken:
        name = f"{wanted[:90]} {number}"
        number += 1
    return name
