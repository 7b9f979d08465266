"""The web side of an action: what a POST to it answers, for every page that offers it.

    return web.perform(request, "vm.reboot", vm, back=vm_url, page=render_vm_page)

A refused request shows the page again (`page(failed=name, form=form, status=...)`)
with the form as it was typed and the error on its field; a destructive one first
shows what will happen and asks; an accepted one goes back to the page, which shows
the request being submitted and then its Ganeti job.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.registry import ACTIONS

CONFIRM_FIELD = "confirmed"
OVERRIDE_FIELD = "override_quota"


def perform(
    request: HttpRequest,
    name: str,
    target,
    *,
    back: str,
    page: Callable[..., HttpResponse],
    done: str | None = None,
) -> HttpResponse:
    """Answer a POST asking for action `name` on target (PermissionDenied propagates: 403).

    back: where the user returns to (and where Cancel leads); done: where to go once
    the request is recorded (default: back).
    """
    try:
        job = service.request(
            request.user,
            name,
            target,
            request.POST,
            request=request,
            confirmed=request.POST.get(CONFIRM_FIELD) == "yes",
            override_quota=request.POST.get(OVERRIDE_FIELD) == "yes",
        )
    except service.NeedsConfirmation as ask:
        return _confirm(request, ask.action, target, ask.text, ask.form, back)
    except service.OverQuota as over:
        if over.may_override:
            text = f"{over} As a superuser or its cluster's admin you may go beyond it (logged)."
            return _confirm(request, ACTIONS[name], target, text, over.form, back, override=True)
        messages.error(request, str(over))
        return page(failed=name, form=over.form, status=over.status)
    except service.Invalid as refused:
        messages.error(request, str(refused))
        return page(failed=name, form=refused.form, status=400)
    except service.Unavailable as refused:
        messages.error(request, str(refused))
        return page(failed="", form=None, status=refused.status)
    messages.success(
        request, f"Requested: {job.summary}. GWM is handing it to Ganeti; its job shows below."
    )
    return redirect(done or back)


def _confirm(request, action, target, text, form, back, *, override=False) -> HttpResponse:
    """The page asking "really?", which posts the same values again, confirmed."""
    posted = [
        (key, value)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", CONFIRM_FIELD, OVERRIDE_FIELD)
        for value in request.POST.getlist(key)
    ]
    if override:
        posted.append((OVERRIDE_FIELD, "yes"))
    return render(
        request,
        "actions/confirm.html",
        {
            "action": action,
            "target": target,
            "text": text,
            "description": action.describe(target, form.params()),
            "posted": posted,
            "back": back,
            "beyond_quota": override,
        },
    )


def known(name: str) -> bool:
    return name in ACTIONS
