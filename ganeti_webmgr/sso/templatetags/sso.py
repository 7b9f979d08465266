from __future__ import annotations

from django import template

from ganeti_webmgr.sso import provider

register = template.Library()


@register.inclusion_tag("sso/login_button.html")
def sso_button(next_url: str = ""):
    """'Sign in with <label>' on the login page, when single sign-on is on."""
    if not provider.enabled():
        return {"enabled": False}
    return {"enabled": True, "label": provider.option("button_label"), "next": next_url}
