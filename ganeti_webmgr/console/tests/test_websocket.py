"""The console websocket end to end in this process: a simulated cluster whose VM's
console is a real Xvnc, and the browser's side of noVNC's RFB handshake."""

from __future__ import annotations

import asyncio
import struct
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from guardian.shortcuts import assign_perm

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.console import tickets, websocket
from ganeti_webmgr.console.models import ClusterConsole, ConsoleSession, ConsoleTicket
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.testing.browser_socket import BrowserSocket

pytestmark = pytest.mark.django_db(transaction=True)
HOST = "testserver"
ORIGIN = f"http://{HOST}"


@pytest.fixture
def logged_in(client, settings):
    settings.ALLOWED_HOSTS = [HOST]

    def cookie_of(user):
        client.force_login(user)
        return client.cookies["sessionid"].value

    return cookie_of


def scope_for(vm, ticket, cookie, origin=ORIGIN, kind="vnc"):
    path = f"/clusters/{vm.cluster.slug}/vms/{vm.name}/console/{kind}/ws"
    return {
        "type": "websocket",
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": f"ticket={ticket}".encode(),
        "headers": [
            (b"host", HOST.encode()),
            (b"origin", origin.encode()),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
        "client": ("192.0.2.7", 50000),
        "server": ("127.0.0.1", 8000),
        "subprotocols": ["binary"],
    }


class NoVnc(BrowserSocket):
    """The browser's side: the websocket messages noVNC would send and get."""

    def __init__(self, scope):
        super().__init__(scope)
        self.buffer = bytearray()

    async def opened(self) -> dict:
        return await self.next()

    async def read(self, size):
        while len(self.buffer) < size:
            message = await self.next()
            assert message["type"] == "websocket.send", message
            self.buffer += message["bytes"]
        data, self.buffer = bytes(self.buffer[:size]), self.buffer[size:]
        return data

    def write(self, data):
        self.incoming.put_nowait({"type": "websocket.receive", "bytes": data})

    async def handshake(self):
        """RFB as noVNC does it: version, security None, ClientInit; -> ServerInit's size."""
        assert await self.read(12) == b"RFB 003.008\n"
        self.write(b"RFB 003.008\n")
        (count,) = await self.read(1)
        if count == 0:
            (length,) = struct.unpack(">I", await self.read(4))
            return (await self.read(length)).decode()
        assert list(await self.read(count)) == [1]
        self.write(b"\x01")
        assert await self.read(4) == b"\0\0\0\0"
        self.write(b"\x01")  # ClientInit, shared
        return struct.unpack(">HH", await self.read(4))


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 30))


def open_console(scope):
    """(the first message gwm-server sends, the handshake's result or None)."""

    async def session():
        browser = NoVnc(scope)
        serving = browser.start()
        first = await browser.opened()
        result = None
        if first["type"] == "websocket.accept":
            result = await browser.handshake()
            browser.close()
        await asyncio.wait_for(serving, 10)
        return first, result

    return run(session())


def test_the_browser_sees_the_vms_screen_and_the_session_is_audited(
    console_vm, bob, logged_in, vnc_server
):
    ticket = tickets.issue(bob, console_vm, "vnc")
    first, size = open_console(scope_for(console_vm, ticket, logged_in(bob)))
    assert first == {"type": "websocket.accept", "subprotocol": "binary"}
    assert size == (vnc_server.width, vnc_server.height)
    session = ConsoleSession.objects.get()
    assert (session.user, session.virtual_machine, session.client_addr) == (
        bob,
        console_vm,
        "192.0.2.7",
    )
    assert session.ended_at is not None and session.end_reason == "browser"
    entries = list(
        Entry.objects.filter(action__startswith="vm.")
        .order_by("pk")
        .values_list("action", "actor", "source_ip")
    )
    assert entries == [
        ("vm.console", bob.pk, "192.0.2.7"),
        ("vm.console_closed", bob.pk, "192.0.2.7"),
    ]
    assert "(browser)" in Entry.objects.get(action="vm.console_closed").message


def refused(scope) -> bool:
    first, _ = open_console(scope)
    return first == {"type": "websocket.close", "code": 1008}


def test_a_ticket_opens_one_session_only(console_vm, bob, logged_in):
    ticket = tickets.issue(bob, console_vm, "vnc")
    cookie = logged_in(bob)
    assert not refused(scope_for(console_vm, ticket, cookie))
    assert refused(scope_for(console_vm, ticket, cookie))


def test_another_users_ticket_is_refused(console_vm, bob, charlie, logged_in):
    assign_perm("power", charlie, console_vm)
    assert refused(scope_for(console_vm, tickets.issue(bob, console_vm, "vnc"), logged_in(charlie)))


def test_an_expired_ticket_is_refused(console_vm, bob, logged_in):
    ticket = tickets.issue(bob, console_vm, "vnc")
    ConsoleTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert refused(scope_for(console_vm, ticket, logged_in(bob)))


def test_a_user_who_may_not_power_the_vm_is_refused(console_vm, charlie, logged_in):
    assign_perm("modify", charlie, console_vm)  # sees the VM, may not power it
    assert refused(
        scope_for(console_vm, tickets.issue(charlie, console_vm, "vnc"), logged_in(charlie))
    )


def test_a_foreign_origin_or_no_session_is_refused(console_vm, bob, logged_in):
    cookie = logged_in(bob)
    ticket = tickets.issue(bob, console_vm, "vnc")
    assert refused(scope_for(console_vm, ticket, cookie, origin="https://evil.example"))
    assert refused(scope_for(console_vm, ticket, "no-such-session"))
    # Neither refusal used the ticket up.
    assert not refused(scope_for(console_vm, ticket, cookie))


def test_a_stopped_vm_is_explained_in_the_console(console_vm, simulator, bob, logged_in):
    with simulator.cluster.lock:
        simulator.cluster._set_running(simulator.cluster.instances[console_vm.name], False)
    ticket = tickets.issue(bob, console_vm, "vnc")
    first, text = open_console(scope_for(console_vm, ticket, logged_in(bob)))
    assert first["type"] == "websocket.accept"
    assert text == f"{console_vm.name} is not running, so it has no console"
    assert ConsoleSession.objects.get().end_reason == "unavailable"


def test_a_wrong_vnc_password_is_explained_in_the_console(console_vm, bob, logged_in):
    settings = ClusterConsole.objects.get()
    settings.vnc_password = "not-the-password"
    settings.save()
    ticket = tickets.issue(bob, console_vm, "vnc")
    _, text = open_console(scope_for(console_vm, ticket, logged_in(bob)))
    assert "refused the cluster's VNC password" in text


def revoke(vm, user):
    set_permissions(vm, user, [])


def deactivate(vm, user):
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.parametrize("take_away", [revoke, deactivate])
def test_a_session_ends_when_its_user_loses_the_right(
    console_vm, bob, logged_in, monkeypatch, take_away
):
    monkeypatch.setattr(websocket, "RECHECK_SECONDS", 0.2)
    ticket = tickets.issue(bob, console_vm, "vnc")
    scope = scope_for(console_vm, ticket, logged_in(bob))

    async def session():
        browser = NoVnc(scope)
        serving = browser.start()
        await browser.opened()
        await browser.handshake()
        await sync_to_async(take_away, thread_sensitive=False)(console_vm, bob)
        await asyncio.wait_for(serving, 10)  # ends without the browser closing it

    run(session())
    assert ConsoleSession.objects.get().end_reason == "revoked"


def test_a_user_has_a_limited_number_of_sessions(console_vm, bob, logged_in, configure):
    configure("console", "sessions_per_user", 1)
    now = timezone.now()
    ConsoleSession.objects.create(
        user=bob, virtual_machine=console_vm, kind="vnc", started_at=now, seen_at=now
    )
    cookie = logged_in(bob)
    assert refused(scope_for(console_vm, tickets.issue(bob, console_vm, "vnc"), cookie))
    # A session whose process went away long ago no longer counts.
    ConsoleSession.objects.update(seen_at=now - timedelta(minutes=10))
    assert not refused(scope_for(console_vm, tickets.issue(bob, console_vm, "vnc"), cookie))


@pytest.fixture
def tls_console_vm(console_vm, simulator, vnc_tls_server):
    """console_vm, its console now Xvnc with VeNCrypt X509Vnc; the cluster has its CA."""
    with simulator.cluster.lock:
        simulator.cluster.instances[console_vm.name]["network_port"] = vnc_tls_server.port
    settings = ClusterConsole.objects.get()
    settings.vnc_tls_ca = vnc_tls_server.ca_pem
    settings.save()
    return console_vm


def test_a_vnc_server_with_tls_is_verified_and_relayed(
    tls_console_vm, bob, logged_in, vnc_tls_server
):
    ticket = tickets.issue(bob, tls_console_vm, "vnc")
    first, size = open_console(scope_for(tls_console_vm, ticket, logged_in(bob)))
    assert first["type"] == "websocket.accept"
    assert size == (vnc_tls_server.width, vnc_tls_server.height)
    assert ConsoleSession.objects.get().to_browser > 0


def test_a_vnc_server_whose_certificate_the_ca_did_not_sign_is_refused(
    tls_console_vm, bob, logged_in
):
    from ganeti_webmgr.testing.vnc import make_tls

    ClusterConsole.objects.update(vnc_tls_ca=make_tls(["other.example"], "Another CA").ca_pem)
    ticket = tickets.issue(bob, tls_console_vm, "vnc")
    _, text = open_console(scope_for(tls_console_vm, ticket, logged_in(bob)))
    assert "its TLS certificate is not trusted by the cluster's VNC CA certificate" in text


def test_a_vnc_server_without_tls_is_refused_when_the_cluster_has_a_ca(
    console_vm, bob, logged_in, vnc_tls_server
):
    ClusterConsole.objects.update(vnc_tls_ca=vnc_tls_server.ca_pem)
    ticket = tickets.issue(bob, console_vm, "vnc")
    _, text = open_console(scope_for(console_vm, ticket, logged_in(bob)))
    assert "does not offer TLS (VeNCrypt)" in text


def test_vencrypt_without_a_ca_is_explained(tls_console_vm, bob, logged_in):
    ClusterConsole.objects.update(vnc_tls_ca="")
    ticket = tickets.issue(bob, tls_console_vm, "vnc")
    _, text = open_console(scope_for(tls_console_vm, ticket, logged_in(bob)))
    assert "set the cluster's VNC CA certificate" in text


@pytest.mark.parametrize(("bind", "works"), [("0.0.0.0", True), ("", False)])  # noqa: S104 - Ganeti's hvparam value
def test_a_vm_with_serial_console_on_has_vnc_when_vnc_is_bound(
    console_vm, simulator, bob, logged_in, vnc_server, bind, works
):
    # Ganeti answers kind ssh whenever serial_console is on (KVM's default).
    with simulator.cluster.lock:
        hvparams = simulator.cluster.instances[console_vm.name]["hvparams"]
        hvparams["serial_console"] = True
        hvparams["vnc_bind_address"] = bind
        simulator.cluster.instances[console_vm.name]["serial_no"] += 1
        simulator.cluster.instances[console_vm.name]["mtime"] += 1
    sync.sync_cluster(console_vm.cluster)
    ticket = tickets.issue(bob, console_vm, "vnc")
    _, result = open_console(scope_for(console_vm, ticket, logged_in(bob)))
    if works:
        assert result == (vnc_server.width, vnc_server.height)
    else:
        assert result == (
            f"{console_vm.name} has a serial console and no VNC: open the serial console instead"
        )
