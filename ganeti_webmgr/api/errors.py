"""JSON errors: {"detail": "...", "errors": {"field": ["...", ...]}} for every refusal,
the action layer's included; never an HTML page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ganeti_webmgr.actions import service


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Moved(exceptions.APIException):
    """A VM's old address after a rename in GWM: 301 to its new one."""

    status_code = status.HTTP_301_MOVED_PERMANENTLY
    default_code = "moved"

    def __init__(self, location: str, name: str):
        super().__init__(_("This virtual machine was renamed to %(name)s.") % {"name": name})
        self.location, self.name = location, name


def handler(exc, context):
    if isinstance(exc, service.Refused):
        return _refused(exc)
    if isinstance(exc, Moved):
        body = {"detail": str(exc.detail), "code": "moved", "name": exc.name}
        return Response(body, status=exc.status_code, headers={"Location": exc.location})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        body = {"detail": str(data["detail"])}
        code = getattr(data["detail"], "code", None)
        if code:
            body["code"] = code
    else:  # a serializer's errors: per field
        body = {"detail": "Invalid input.", "code": "invalid", "errors": _fields(data)}
    response.data = body
    return response


def _fields(data) -> dict:
    if isinstance(data, list):
        return {"non_field_errors": [str(e) for e in data]}
    return {
        key: [str(e) for e in value] if isinstance(value, list) else _fields(value)
        for key, value in data.items()
    }


def _refused(exc: service.Refused) -> Response:
    body: dict = {"detail": str(exc)}
    if isinstance(exc, service.Invalid):
        body["code"] = "invalid"
        body["errors"] = {
            ("non_field_errors" if k == "__all__" else k): [str(e) for e in v]
            for k, v in exc.form.errors.items()
        }
        return Response(body, status=400)
    if isinstance(exc, service.NeedsConfirmation):
        body.update(code="needs_confirmation", detail=exc.text)
        return Response(body, status=409)
    if isinstance(exc, service.OverQuota):
        body.update(code="over_quota", may_override=exc.may_override)
        return Response(body, status=409)
    body["code"] = "unavailable" if isinstance(exc, service.Unavailable) else "refused"
    return Response(body, status=exc.status)
