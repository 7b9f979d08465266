"""How the OpenAPI schema describes GWM's API: the token authentication
(drf-spectacular reads the extension once the app is ready), and for every view
what drf-spectacular finds plus the refusals every view shares (api.errors.handler's
bodies), so that clients and the schema tests know every status a call may answer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from ganeti_webmgr.api.serializers.errors import ErrorSerializer

# status: (description, when it applies: f(schema) -> bool)
REFUSALS = {
    "400": (_("Invalid input, or a filter value the list refuses."), lambda s: s.takes_input()),
    "401": (_("No valid token (or session)."), lambda s: True),
    "403": (_("Not allowed, or the token may only read."), lambda s: True),
    "404": (
        _("Not found, or not visible to you; or a cursor that is not one of the list's."),
        lambda s: s.names_an_object() or s._is_list_view(),
    ),
    "429": (_("Too many requests with this token: wait and retry."), lambda s: True),
}


class AutoSchema(openapi.AutoSchema):
    def takes_input(self) -> bool:
        """A body, or query parameters (a list's filters, a wait's timeout) to refuse."""
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            return True
        return any(p.get("in") == "query" for p in self._get_parameters())

    def names_an_object(self) -> bool:
        return "{" in self.path

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # The ETag views (conditional.detail) answer 304 to a matching If-None-Match.
        if self.method == "GET" and getattr(self.view, "conditional", False):
            responses.setdefault("304", {"description": str(_("Not modified: your ETag."))})
        # A VM's address after a rename in GWM sends a GET on (api.errors.Moved).
        if self.method == "GET" and "/vms/{name}/" in self.path:
            answer = self._get_response_for_code(ErrorSerializer, "301")
            answer["description"] = str(_("Renamed: the VM's new address is in Location."))
            responses.setdefault("301", answer)
        for code, (description, applies) in REFUSALS.items():
            if code not in responses and applies(self):
                answer = self._get_response_for_code(ErrorSerializer, code)
                answer["description"] = str(description)
                responses[code] = answer
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "ganeti_webmgr.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gwm_<key id>_<secret>",
            "description": "An API token from the profile page or gwm-manage token create.",
        }
