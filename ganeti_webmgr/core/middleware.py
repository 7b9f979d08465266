"""Django's 405 answer has no body; ours is a page like the other error pages."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class MethodNotAllowedPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.htmx:
            methods = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            response.content = render_to_string(
                "405.html",
                {"method": request.method, "allowed": either(methods)},
                request=request,
            )
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


def either(methods: list[str]) -> str:
    """'GET', 'GET or POST', 'GET, HEAD or POST'."""
    if len(methods) < 2:
        return "".join(methods)
    return _("%(some)s or %(last)s") % {"some": ", ".join(methods[:-1]), "last": methods[-1]}
