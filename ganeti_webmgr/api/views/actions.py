"""Actions on VMs, nodes and clusters, through the action layer (actions/service.py)
as the web's buttons: the same permission, state and form checks, the same Job.

GET .../actions/ lists what the user may ask for now, each with its form's fields;
POST .../actions/<action>/ with those fields as JSON (plus "confirm": true for a
destructive one, "override_quota": true to go beyond a quota where allowed) answers
202 with the Job, which gwm-worker then submits and follows (see jobs.py).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.response import Response

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.base import slug_of
from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.api import formdata
from ganeti_webmgr.api.serializers.jobs import JobDetailSerializer
from ganeti_webmgr.api.views.base import ApiView
from ganeti_webmgr.api.views.inventory import NodeDetail, visible_cluster, visible_vm
from ganeti_webmgr.api.views.jobs import accepted


def describe(action, target, user) -> dict:
    form = action.form(target, user=user)
    return {
        "name": action.name,
        "slug": slug_of(action),
        "label": str(action.label),
        "destructive": action.destructive,
        "warning": str(action.warning),
        "fields": formdata.describe(form),
    }


def ask(request, name: str, target, body: dict | None = None):
    """Ask for action `name` on target with the request's JSON body: 202 and the Job.

    Refusals are raised (api.errors turns them into JSON): 403 not allowed, 409
    unavailable now / needs confirmation / over quota, 400 invalid fields."""
    body = formdata.body_of(request) if body is None else body
    confirm = formdata.flag(body, formdata.CONFIRM)
    override = formdata.flag(body, formdata.OVERRIDE_QUOTA)
    action = ACTIONS[name]
    form = action.form(target, user=request.user)
    data = formdata.to_form_data(form, body)
    job = service.request(
        request.user,
        name,
        target,
        data,
        request=request._request,  # the audit entry names the token (its `via`)
        confirmed=confirm,
        override_quota=override,
        ask_destructive=True,
    )
    return accepted(request, job)


def _action_name(kind: str, slug: str) -> str:
    name = f"{kind}.{slug}"
    if name not in ACTIONS or ACTIONS[name].kind != kind:
        raise Http404
    return name


class _Actions(ApiView):
    kind = ""

    def target(self):
        raise NotImplementedError

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, **kwargs):
        target = self.target()
        # A cluster's vm.create is asked at /clusters/<slug>/vms/ (api/views/creation.py).
        offered = [
            a for a in service.available(request.user, target) if a.name.startswith(f"{self.kind}.")
        ]
        rows = [describe(a, target, request.user) for a in offered]
        return Response({"results": rows})


class _Action(ApiView):
    kind = ""

    def target(self):
        raise NotImplementedError

    @extend_schema(request=OpenApiTypes.OBJECT, responses={202: JobDetailSerializer})
    def post(self, request, action: str, **kwargs):
        # The target first: 404 for what the user may not see, whatever the action.
        target = self.target()
        return ask(request, _action_name(self.kind, action), target)


class _VM:
    kind = "vm"

    def target(self):
        return visible_vm(self.request, self.kwargs["slug"], self.kwargs["name"])


class _Node:
    kind = "node"

    def target(self):
        view = NodeDetail()
        view.request, view.kwargs = self.request, self.kwargs
        return view.get_object()


class _Cluster:
    kind = "cluster"

    def target(self):
        return visible_cluster(self.request, self.kwargs["slug"])


class VMActions(_VM, _Actions):
    pass


class VMAction(_VM, _Action):
    pass


class NodeActions(_Node, _Actions):
    pass


class NodeAction(_Node, _Action):
    pass


class ClusterActions(_Cluster, _Actions):
    pass


class ClusterAction(_Cluster, _Action):
    pass
