"""Console tickets: the one-time ticket the console page's JavaScript fetches, and
the websocket URL it opens with it (console.tickets), for another client to connect."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from ganeti_webmgr.api.serializers.records import ConsoleRequestSerializer, ConsoleTicketSerializer
from ganeti_webmgr.api.views.base import ApiView
from ganeti_webmgr.console import tickets
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine


class ConsoleTicket(ApiView):
    """POST {"kind": "vnc"|"serial"}: a ticket for the VM's console (whoever may use
    it: the VM's power permission), good for one connection for a few seconds."""

    @extend_schema(request=ConsoleRequestSerializer, responses={201: ConsoleTicketSerializer})
    def post(self, request, slug: str, name: str):
        vms = VirtualMachine.objects.select_related("cluster").filter(removed_at__isnull=True)
        vm = rules.get_visible_or_404(request.user, vms, cluster__slug=slug, name=name)
        if not rules.may_use_console(request.user, vm):
            raise exceptions.PermissionDenied(
                _("You may not use the console of %(vm)s.") % {"vm": vm.name}
            )
        asked = ConsoleRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        kind = asked.validated_data["kind"]
        token = tickets.issue(request.user, vm, kind)
        data = {
            "kind": kind,
            "ticket": token,
            "url": tickets.websocket_url(request, vm, kind, token),
            "expires_in": int(tickets.VALID_FOR.total_seconds()),
        }
        return Response(data, status=201, headers={"Cache-Control": "no-store"})
