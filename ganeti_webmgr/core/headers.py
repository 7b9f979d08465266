"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

Our own middleware, not django-csp: GWM's policy is one fixed string (no inline
script anywhere, so no nonces or hashes to compute), and a few lines here are easier
to read and test than another package's settings. HSTS, X-Frame-Options,
nosniff and Referrer-Policy come from Django's SecurityMiddleware and
XFrameOptionsMiddleware (settings.py).
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost

# Scripts, styles, images, fonts and fetches from this site only; no plugins, no
# framing, forms post only here. 'self' matches ws:/wss: on the same host and port in
# CSP Level 3 browsers; the console's websocket URL is added by name for older ones.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The serial console: xterm.js's DOM renderer puts its theme in a <style> element it
# creates. Scripts stay as strict there as everywhere.
INLINE_STYLE_ELEMENTS = {"style-src-elem": "'self' 'unsafe-inline'"}

# Browser features GWM never uses, switched off for the site and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def allow_inline_style_elements(response):
    """Mark a response whose page needs <style> elements made by its scripts."""
    response.csp_inline_style_elements = True
    return response


def content_security_policy(request, inline_style_elements: bool = False) -> str:
    policy = dict(POLICY)
    try:
        host = request.get_host()
    except DisallowedHost:
        host = ""
    if host:
        policy["connect-src"] += f" {'wss' if request.is_secure() else 'ws'}://{host}"
    if inline_style_elements:
        policy.update(INLINE_STYLE_ELEMENTS)
    return "; ".join(f"{name} {value}" for name, value in policy.items())


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        inline = getattr(response, "csp_inline_style_elements", False)
        response.setdefault("Content-Security-Policy", content_security_policy(request, inline))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
