"""Creating VMs (POST /clusters/<slug>/vms/) and the VM templates to start from.

A creation is the wizard's: the same form (CreateVMsForm), sent through the action
layer as one creation request (provisioning.submit), so the owner gets admin on the
new VM when its job succeeds. The body is the wizard's fields as JSON; what it
leaves out is the wizard's default, or the template's value with "template": <id>.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers

from ganeti_webmgr.actions.create import CreateVMsForm
from ganeti_webmgr.api import formdata
from ganeti_webmgr.api.formdata import BadBody
from ganeti_webmgr.api.pagination import Cursor
from ganeti_webmgr.api.serializers.jobs import JobDetailSerializer
from ganeti_webmgr.api.views.base import DetailView, ListView
from ganeti_webmgr.api.views.inventory import VirtualMachineList, visible_cluster
from ganeti_webmgr.api.views.jobs import accepted
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.provisioning.forms import ROWS, DiskForm, NicForm
from ganeti_webmgr.provisioning.models import VMTemplate
from ganeti_webmgr.provisioning.submit import submit

ROW_LISTS = ("disks", "nics")


def creation_data(cluster: Cluster, user, body: dict, template: VMTemplate | None):
    """The wizard's POST for body: its fields over the defaults (the template's, else
    the wizard's), and the disk and NIC rows as its formsets expect them."""
    initial = dict(template.values) if template else {}
    blank = CreateVMsForm(cluster, user=user, initial=initial)
    values = {
        name: formdata.json_value(blank.get_initial_for_field(field, name))
        for name, field in blank.fields.items()
        if not field.disabled
    }
    values.update({k: v for k, v in body.items() if k not in ROW_LISTS})
    if "disks" in body:
        disks = body["disks"]
    elif "disks" in initial:
        disks = initial["disks"]
    else:  # the wizard's one disk of 10G, none for a diskless VM
        disks = [] if values.get("disk_template") == "diskless" else [{"size": "10G"}]
    nics = body["nics"] if "nics" in body else initial.get("nics", [{}])
    if "nics" in body and "nic_count" not in body:
        values["nic_count"] = len(nics)
    data = formdata.to_form_data(blank, values, extra=ROW_LISTS)
    _rows(data, "disk", disks, DiskForm.base_fields, "disks")
    _rows(data, "nic", nics, NicForm.base_fields, "nics")
    return data


def _rows(data, prefix: str, rows, fields, key: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise BadBody({key: [_("A list of objects.")]})
    if len(rows) > ROWS:
        raise BadBody({key: [_("At most %(count)s.") % {"count": ROWS}]})
    for row in rows:
        if unknown := sorted(set(row) - set(fields)):
            raise BadBody({key: [_("Unknown field %(name)s.") % {"name": unknown[0]}]})
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(ROWS),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": str(ROWS),
        }
    )
    for number, row in enumerate(rows):
        for name, value in row.items():
            if value is not None:
                data[f"{prefix}-{number}-{name}"] = str(value)


def creation_errors(form: CreateVMsForm) -> dict:
    """The form's errors per field, with each disk's and NIC's under disks / nics."""
    errors = {
        ("non_field_errors" if k == "__all__" else k): [str(e) for e in v]
        for k, v in form.errors.items()
    }
    for key, formset in (("disks", form.disks), ("nics", form.nics)):
        rows = [
            f"{number}: {name}: {' '.join(str(e) for e in messages)}"
            for number, row in enumerate(formset.forms)
            for name, messages in row.errors.items()
        ]
        if rows:
            errors[key] = rows
    return errors


class ClusterVMs(VirtualMachineList):
    """GET: the cluster's VMs (inventory.VirtualMachineList); POST: create."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={202: JobDetailSerializer})
    def post(self, request, slug: str):
        cluster = visible_cluster(request, slug)
        rules.require(request.user, "create_vm", cluster)
        body = formdata.body_of(request)
        override = formdata.flag(body, formdata.OVERRIDE_QUOTA)
        template = _template_of(request, cluster, body.pop("template", None))
        data = creation_data(cluster, request.user, body, template)
        form = CreateVMsForm(cluster, data, user=request.user)
        if not form.is_valid():
            raise BadBody(creation_errors(form))
        creation = submit(
            form,
            request._request,  # the audit entry names the token
            override_quota=override,
            values={k: data.getlist(k) for k in data},
        )
        return accepted(request, creation.jobs.get())


def _template_of(request, cluster: Cluster, pk) -> VMTemplate | None:
    if pk is None:
        return None
    template = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        template = cluster.vm_templates.filter(pk=pk).first()
    if template is None:
        raise BadBody({"template": [_("No template %(id)s on this cluster.") % {"id": pk}]})
    return template


# -- VM templates ------------------------------------------------------------------------
class TemplateSerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    values = serializers.JSONField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = VMTemplate
        fields = [
            "id",
            "url",
            "cluster",
            "name",
            "description",
            "values",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_url(self, template) -> str:
        return f"/api/v1/templates/{template.pk}/"


def visible_templates(user):
    """Seen by whoever may create VMs on their cluster (as the web's template list)."""
    clusters = rules.visible(user, Cluster.objects.all(), "create_vm")
    return VMTemplate.objects.filter(cluster__in=clusters).select_related("cluster", "created_by")


class TemplateOrdering(Cursor):
    ordering = ("id",)


@extend_schema(parameters=[OpenApiParameter("cluster", str, required=False)])
class TemplateList(ListView):
    serializer_class = TemplateSerializer
    pagination_class = TemplateOrdering

    def get_queryset(self):
        templates = visible_templates(self.request.user)
        if slug := self.request.query_params.get("cluster"):
            templates = templates.filter(cluster__slug=slug)
        return templates


class TemplateDetail(DetailView):
    serializer_class = TemplateSerializer

    def get_object(self):
        template = visible_templates(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if template is None:
            raise Http404
        return template
