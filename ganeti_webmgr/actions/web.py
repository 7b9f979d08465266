"""The web side of an action: its own page, what a POST to it answers, and the
header of every page that offers actions.

    return web.action_page(request, "vm.reboot", vm, back=vm_url)  # GET
    return web.perform(request, "vm.reboot", vm, back=vm_url)  # POST

Each action has an address of its own (/clusters/<c>/vms/<vm>/reboot): GET shows
its form, POST asks for it. The page's header links there; with JavaScript the
form opens in a dialog instead, fetched and posted with an HX-Request header, and
then every answer is the dialog's content (or, once the request is recorded, an
HX-Redirect to the page). A refused request shows the form again as it was typed,
with the error on its field; a destructive one first shows what will happen and
asks; an accepted one goes to `done`, which shows the request being submitted and
then its Ganeti job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.base import Action, asks_first, slug_of
from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.actions.service import in_sentence
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import can

CONFIRM_FIELD = "confirmed"
OVERRIDE_FIELD = "override_quota"
# The More menu's groups, in order (Action.section); the destructive ones come last.
SECTIONS = ["power", "placement", "resources", "storage", "system", "tags", "remove", ""]


@dataclass(frozen=True)
class Link:
    """An action as the page's header shows it."""

    action: Action
    url: str  # its own page: GET shows its form, POST asks for it
    asks_first: bool  # a form or a confirmation first; otherwise one click asks
    dialog: bool  # with JavaScript, its page opens in a dialog
    group_start: bool = False  # in the More menu, the first of its group

    @property
    def label(self) -> str:
        return self.action.label


@dataclass(frozen=True)
class HeaderActions:
    buttons: list[Link]  # the prominent actions, each a button of its own
    more: list[Link]  # the others, in the "More" menu; destructive ones last

    def __bool__(self) -> bool:
        return bool(self.buttons or self.more)


def url_of(action: Action, target) -> str:
    """The address of action's own page for target."""
    if isinstance(target, Cluster):
        return reverse("cluster-action", args=[target.slug, slug_of(action)])
    if action.own_page:
        return reverse(action.own_page, args=[target.cluster.slug, target.name])
    url_name = "node-action" if isinstance(target, Node) else "vm-action"
    return reverse(url_name, args=[target.cluster.slug, target.name, slug_of(action)])


def header_actions(user, target) -> HeaderActions:
    """What the header of target's page offers user now (service.available)."""
    links = [
        Link(action, url_of(action, target), asks_first(action), not action.own_page)
        for action in service.available(user, target)
    ]
    more = sorted(
        (link for link in links if not link.action.prominent),
        key=lambda link: (link.action.destructive, _rank(link.action)),
    )  # stable: declaration order within a group
    groups = [(link.action.destructive, _rank(link.action)) for link in more]
    more = [
        replace(link, group_start=n > 0 and groups[n] != groups[n - 1])
        for n, link in enumerate(more)
    ]
    return HeaderActions([link for link in links if link.action.prominent], more)


def _rank(action: Action) -> int:
    # The destructive ones are one group of their own, at the end.
    if action.destructive:
        return len(SECTIONS)
    return SECTIONS.index(action.section) if action.section in SECTIONS else len(SECTIONS) - 1


def action_page(
    request: HttpRequest,
    name: str,
    target,
    *,
    back: str,
    form=None,
    status: int = 200,
) -> HttpResponse:
    """Action `name`'s own page for target: its form (bound after a refusal), or why
    it cannot be asked for now (409). PermissionDenied (403) if the user may not.

    For htmx (the page's dialog) only the dialog's content."""
    action = ACTIONS[name]
    if not can(request.user, action.permission, target):
        raise PermissionDenied(
            _("not allowed to %(action)s %(target)s")
            % {"action": in_sentence(action.label), "target": target}
        )
    why = service.why_not(request.user, action, target)
    if why:
        status, form = 409, None
    elif form is None:
        form = action.form(target, user=request.user, auto_id=f"id_{slug_of(action)}_%s")
    context = {
        "action": action,
        "label_in_sentence": in_sentence(action.label),
        "target": target,
        "form": form,
        "why": why,
        "url": url_of(action, target),
        "back": back,
        "in_dialog": bool(getattr(request, "htmx", False)),
    }
    template = "actions/_action_form.html" if context["in_dialog"] else "actions/action_page.html"
    return render(request, template, context, status=status)


def perform(
    request: HttpRequest,
    name: str,
    target,
    *,
    back: str,
    page: Callable[..., HttpResponse] | None = None,
    done: str | None = None,
) -> HttpResponse:
    """Answer a POST asking for action `name` on target (PermissionDenied propagates: 403).

    back: where the user returns to (and where Cancel leads); done: where to go once
    the request is recorded (default: back); page(failed=, form=, status=): the page
    shown again after a refusal (default: the action's own page, with the form).
    """
    in_dialog = bool(getattr(request, "htmx", False))
    if page is None or in_dialog:

        def page(failed="", form=None, status=200):
            return action_page(request, name, target, back=back, form=form, status=status)

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
        return _confirm(request, ask.action, target, ask.text, ask.form, back, in_dialog)
    except service.OverQuota as over:
        if over.may_override:
            text = _(
                "%(refusal)s As a superuser or its cluster's admin you may go beyond it (logged)."
            ) % {"refusal": over}
            return _confirm(
                request, ACTIONS[name], target, text, over.form, back, in_dialog, override=True
            )
        if not in_dialog:
            messages.error(request, str(over))
        return page(failed=name, form=over.form, status=over.status)
    except service.Invalid as refused:
        if not in_dialog:  # the dialog shows the errors on the form itself
            messages.error(request, str(refused))
        return page(failed=name, form=refused.form, status=400)
    except service.Unavailable as refused:
        if not in_dialog:
            messages.error(request, str(refused))
        return page(failed="", form=None, status=refused.status)
    messages.success(
        request,
        _("Requested: %(what)s. GWM is handing it to Ganeti; its job shows below.")
        % {"what": requested(ACTIONS[name], target, job)},
    )
    if in_dialog:
        return HttpResponseClientRedirect(done or back)
    return redirect(done or back)


def requested(action: Action, target, job) -> str:
    """What job asks for, in the user's language (the job records it in English)."""
    what = action.describe(target, job.params)
    if job.operations and job.operations[0].endswith(service.OVERRIDDEN):
        what += _(" (beyond the owner's quota: overridden)")
    return what


def _confirm(
    request, action, target, text, form, back, in_dialog, *, override=False
) -> HttpResponse:
    """The page (or the dialog's content) asking "really?", which posts the same
    values again, confirmed, to the action's address."""
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
        "actions/_confirm.html" if in_dialog else "actions/confirm.html",
        {
            "action": action,
            "label_in_sentence": in_sentence(action.label),
            "target": target,
            "text": text,
            "description": action.describe(target, form.params()),
            "posted": posted,
            "url": request.path,
            "back": back,
            "beyond_quota": override,
            "in_dialog": in_dialog,
        },
    )


def known(name: str) -> bool:
    return name in ACTIONS
