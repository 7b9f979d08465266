"""Two gwm-servers on one database, as two web hosts behind a load balancer: a
ticket issued by one opens the console on the other, once. Nothing a console needs
lives in one process."""

from __future__ import annotations

import json
import urllib.request
from contextlib import ExitStack

import pytest

from ganeti_webmgr.testing import console_client

from .conftest import gwm_server


def ticket_from_page(base: str, login: console_client.Login, vm: str) -> str:
    """What the console page does: POST for a ticket, with the CSRF token."""
    request = urllib.request.Request(
        f"{base}/clusters/console/vms/{vm}/console/vnc/ticket",
        data=b"",
        headers={"X-CSRFToken": login.cookies["csrftoken"], "Referer": f"{base}/"},
    )
    with login.opener.open(request, timeout=30) as response:
        url = json.loads(response.read())["url"]
    assert url.startswith(base.replace("http://", "ws://"))
    return url.rsplit("ticket=", 1)[1]


def test_a_ticket_from_one_web_host_opens_the_console_on_the_other(console_site):
    site, password, vm = console_site
    with ExitStack() as hosts:
        first = f"http://127.0.0.1:{hosts.enter_context(gwm_server(site, 'a'))}"
        second = f"http://127.0.0.1:{hosts.enter_context(gwm_server(site, 'b'))}"
        login = console_client.Login(first, "admin", password)
        # The page came from the first host; the websocket lands on the second.
        ticket = ticket_from_page(first, login, vm)
        rfb = console_client.open_console(second, login, "console", vm, ticket)
        rfb.request(incremental=False)
        assert rfb.stream.read(1) == b"\x00"  # FramebufferUpdate, from the real Xvnc
        rfb.stream.close()
        # Used up on every host.
        for base in (first, second):
            with pytest.raises(console_client.WebSocketError, match="403"):
                console_client.open_console(base, login, "console", vm, ticket)
