"""One-time console tickets: made by the console page, redeemed by its websocket.

Only a hash is stored. Redeeming is a single conditional UPDATE, so of two
websockets presenting one ticket, exactly one gets it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ganeti_webmgr.console.models import ConsoleTicket

VALID_FOR = timedelta(seconds=30)
# Used and expired tickets are deleted when new ones are made, after this long.
KEPT_FOR = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user, vm, kind: str) -> str:
    now = timezone.now()
    ConsoleTicket.objects.filter(expires_at__lt=now - KEPT_FOR).delete()
    token = secrets.token_urlsafe(32)
    ConsoleTicket.objects.create(
        token_hash=_hash(token),
        user=user,
        virtual_machine=vm,
        kind=kind,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    return token


def redeem(token: str, user, vm, kind: str) -> bool:
    """True once for a ticket of this user, VM and kind that has not expired."""
    if not token or len(token) > 100:
        return False
    now = timezone.now()
    return bool(
        ConsoleTicket.objects.filter(
            token_hash=_hash(token),
            user=user,
            virtual_machine=vm,
            kind=kind,
            used_at__isnull=True,
            expires_at__gt=now,
        ).update(used_at=now)
    )


def websocket_url(request, vm, kind: str, token: str) -> str:
    """The URL the console page's JavaScript opens with the ticket: wss:// behind
    https, ws:// for plain http; the API's console tickets answer the same."""
    page = reverse("console-ticket", args=[vm.cluster.slug, vm.name, kind])
    path = page.removesuffix("ticket") + "ws"
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}{path}?ticket={token}"
