"""Granting and revoking through the API, as the web's permission pages: the same
object lookup (404 unless seen, 403 unless the user may grant there), the same form
(permissions.forms.GrantForm) and permissions.granting, which logs each grant and
revocation with the change.

POST adds permissions to what the holder has; DELETE takes them away (all of the
holder's without "permissions"). Both answer the object's grants as GET does.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from ganeti_webmgr.api import formdata
from ganeti_webmgr.api.formdata import BadBody
from ganeti_webmgr.api.serializers.changes import GrantChangeSerializer
from ganeti_webmgr.api.serializers.records import HOLDER_KINDS, GrantsSerializer
from ganeti_webmgr.api.views import records
from ganeti_webmgr.permissions import granting, grants
from ganeti_webmgr.permissions.descriptions import described
from ganeti_webmgr.permissions.forms import GrantForm

# The API's names of GrantForm's fields (as GET shows a holder), and back.
NAMES = {"kind": "holder_kind", "name": "holder_name"}
SHOWN = {"holder_kind": "kind", "holder_name": "name"}
REVOKE_PARAMETERS = [
    OpenApiParameter("kind", str, enum=HOLDER_KINDS, required=True),
    OpenApiParameter("name", str, required=True, description="The user's or group's name."),
    OpenApiParameter(
        "permissions",
        str,
        many=True,
        description="Permissions to revoke (repeat it for several); none: all of them.",
    ),
]


def _holder(obj, values: dict):
    """(holder, the permissions values name) once GrantForm finds them valid."""
    choices = [(code, f"{code}: {described(obj, code)}") for code in grants.grantable(obj)]
    blank = GrantForm(choices=choices)
    form = GrantForm(formdata.named_form_data(blank, values, NAMES), choices=choices)
    if not form.is_valid():
        raise formdata.form_errors(form, SHOWN)
    return form.cleaned_data["holder"], form.cleaned_data["permissions"]


def _answer(request, obj) -> Response:
    return Response(records.grants_data(obj))


def grant(request, obj) -> Response:
    values = formdata.body_of(request)
    if not values.get("permissions"):
        raise BadBody({"permissions": [_("Name at least one permission to grant.")]})
    holder, codes = _holder(obj, values)
    held = set(grants.current(obj, holder)) | set(codes)
    granting.set_permissions(request._request, obj, holder, held)
    return _answer(request, obj)


def revoke(request, obj) -> Response:
    query = request.query_params
    if wrong := sorted(set(query) - {"kind", "name", "permissions"}):
        raise BadBody({k: [_("Unknown parameter.")] for k in wrong})
    values = {"kind": query.get("kind"), "name": query.get("name")}
    if query.getlist("permissions"):
        values["permissions"] = query.getlist("permissions")
    holder, codes = _holder(obj, values)
    kept = set(grants.current(obj, holder)) - set(codes) if codes else set()
    granting.set_permissions(request._request, obj, holder, kept)
    return _answer(request, obj)


class ClusterGrants(records.ClusterGrants):
    """Who holds which permission on the cluster: for those who may grant there
    (its admins), as the web's permissions page."""

    def target(self):
        return records.grantable_cluster(self.request, self.kwargs["slug"])

    @extend_schema(request=GrantChangeSerializer, responses={200: GrantsSerializer})
    def post(self, request, slug: str):
        """Grant permissions to a user or group (kept: what they hold already)."""
        return grant(request, self.target())

    @extend_schema(parameters=REVOKE_PARAMETERS, responses={200: GrantsSerializer})
    def delete(self, request, slug: str):
        """Revoke a user's or group's permissions (all of them without permissions)."""
        return revoke(request, self.target())


class VirtualMachineGrants(records.VirtualMachineGrants):
    """Who holds which permission on the VM: its admins and the cluster's."""

    def target(self):
        return records.grantable_vm(self.request, self.kwargs["slug"], self.kwargs["name"])

    @extend_schema(request=GrantChangeSerializer, responses={200: GrantsSerializer})
    def post(self, request, slug: str, name: str):
        """Grant permissions to a user or group (kept: what they hold already)."""
        return grant(request, self.target())

    @extend_schema(parameters=REVOKE_PARAMETERS, responses={200: GrantsSerializer})
    def delete(self, request, slug: str, name: str):
        """Revoke a user's or group's permissions (all of them without permissions)."""
        return revoke(request, self.target())
