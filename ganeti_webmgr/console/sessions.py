"""Who may open a console websocket, and the record of each session.

Everything here is synchronous Django (the websocket handler runs it in a
thread): the request the websocket came with, checked like a page request
(allowed host, session, permission) plus its Origin and a one-time ticket.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ganeti_webmgr import audit, conf
from ganeti_webmgr.console import tickets
from ganeti_webmgr.console.models import ConsoleSession
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine

PATH = re.compile(
    r"/clusters/(?P<cluster>[-\w]+)/vms/(?P<vm>[^/]+)/console/(?P<kind>vnc|serial)/ws"
)
# A session not refreshed for this long belongs to a process that went away.
STALE = timedelta(minutes=2)


class Refused(Exception):
    """Not allowed: the websocket is closed before it opens (HTTP 403), with no detail."""


@dataclass
class Opened:
    request: ASGIRequest
    vm: VirtualMachine
    session: ConsoleSession


def request_for(scope: dict) -> ASGIRequest:
    """The websocket's handshake as a Django request (headers, cookies, client address)."""
    http_scope = {**scope, "type": "http", "method": "GET"}
    http_scope["scheme"] = "https" if scope.get("scheme") == "wss" else "http"
    return ASGIRequest(http_scope, io.BytesIO())


def _origin_ok(request: ASGIRequest) -> bool:
    origin = request.headers.get("Origin", "")
    if origin == f"{request.scheme}://{request.get_host()}":
        return True
    return origin in settings.CSRF_TRUSTED_ORIGINS


def open_session(scope: dict) -> Opened:
    request = request_for(scope)
    script_name = settings.FORCE_SCRIPT_NAME or ""
    path = request.path_info
    if script_name and path.startswith(script_name):
        path = path[len(script_name) :]
    match = PATH.fullmatch(path)
    if not match:
        raise Refused("no such websocket")
    try:
        if not _origin_ok(request):
            raise Refused("foreign origin")
    except DisallowedHost:
        raise Refused("host not allowed") from None
    engine = import_string(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    user = get_user(request)
    if not user.is_authenticated or not user.is_active:
        raise Refused("not logged in")
    request.user = user
    vm = (
        VirtualMachine.objects.select_related("cluster", "primary_node")
        .filter(cluster__slug=match["cluster"], name=urllib.parse.unquote(match["vm"]))
        .filter(removed_at__isnull=True)
        .first()
    )
    if vm is None or not rules.may_use_console(user, vm):
        raise Refused("no such VM, or no permission")
    token = urllib.parse.parse_qs(request.META.get("QUERY_STRING", "")).get("ticket", [""])[0]
    kind = match["kind"]
    with transaction.atomic():
        # Row lock on the user: two websockets at the limit cannot both get in.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if not tickets.redeem(token, user, vm, kind):
            raise Refused("no valid ticket")
        now = timezone.now()
        limit = conf.current().get("console", "sessions_per_user")
        open_now = ConsoleSession.objects.filter(
            user=user, ended_at__isnull=True, seen_at__gt=now - STALE
        ).count()
        if open_now >= limit:
            raise Refused(f"{open_now} console sessions open already")
        with audit.change(
            "vm.console", request=request, targets=[vm, vm.cluster], message=f"{kind} console"
        ):
            session = ConsoleSession.objects.create(
                user=user,
                virtual_machine=vm,
                kind=kind,
                client_addr=audit.client_ip(request) or "",
                started_at=now,
                seen_at=now,
            )
    return Opened(request, vm, session)


def still_allowed(opened: Opened) -> bool:
    """Checked every few seconds while the session runs; refreshes its seen_at."""
    user = get_user_model().objects.filter(pk=opened.request.user.pk, is_active=True).first()
    vm = VirtualMachine.objects.select_related("cluster").filter(pk=opened.vm.pk).first()
    ConsoleSession.objects.filter(pk=opened.session.pk).update(seen_at=timezone.now())
    return user is not None and vm is not None and rules.may_use_console(user, vm)


def close_session(opened: Opened, reason: str, seconds: float, to_server: int, to_browser: int):
    with audit.change(
        "vm.console_closed",
        request=opened.request,
        targets=[opened.vm, opened.vm.cluster],
        message=f"{opened.session.kind} console closed after {_duration(seconds)} ({reason})",
    ):
        ConsoleSession.objects.filter(pk=opened.session.pk).update(
            ended_at=timezone.now(),
            end_reason=reason,
            to_server=to_server,
            to_browser=to_browser,
        )


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {seconds} s"
