"""gwm-server's console websocket as a browser opens it."""

from __future__ import annotations

import pytest

from ganeti_webmgr.testing import console_client

from .conftest import gwm_server

# What it checks (the websocket's handshake and framing) is the same on every database engine.
pytestmark = pytest.mark.any_database


def test_the_console_declines_the_browsers_permessage_deflate(console_site):
    # Browsers offer it on every websocket; a console's frames compress already, and
    # deflating them again costs the proxy most of its throughput.
    site, password, vm = console_site
    with gwm_server(site) as port:
        base = f"http://127.0.0.1:{port}"
        login = console_client.Login(base, "admin", password)
        (ticket,) = console_client.issue_tickets(site.manage, vm)
        ws = console_client.WebSocket.connect(
            console_client.console_url(base, "console", vm, ticket),
            origin=base,
            cookie=f"sessionid={login.cookies['sessionid']}",
            extensions=console_client.WebSocket.BROWSER_EXTENSIONS,
        )
        assert ws.extensions == ""
        rfb = console_client.Rfb(console_client.WebSocketStream(ws))
        rfb.handshake()
        rfb.request(incremental=False)
        assert rfb.update() == 640 * 480 * rfb.bytes_per_pixel
        rfb.close()
