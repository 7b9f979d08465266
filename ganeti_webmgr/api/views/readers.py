"""Swagger UI and Redoc for the schema, from the package's own files (the sidecar)
under GWM's Content-Security-Policy: no inline script, no web fonts from elsewhere."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import TemplateHTMLRenderer

from ganeti_webmgr.core.headers import allow_inline_style_elements


class SwaggerUI(SpectacularSwaggerSplitView):
    # Its start script is served by the same view (?script), not inline.
    template_name = "api/swagger_ui.html"
    permission_classes = [AllowAny]


@extend_schema(exclude=True)
class Redoc(SpectacularRedocView):
    template_name = "api/redoc.html"
    permission_classes = [AllowAny]
    renderer_classes = [TemplateHTMLRenderer]

    def get(self, request, *args, **kwargs):
        # Redoc styles its page with <style> elements it makes; scripts stay strict.
        return allow_inline_style_elements(super().get(request, *args, **kwargs))
