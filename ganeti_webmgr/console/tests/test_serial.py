"""The serial console end to end: a simulated KVM VM with serial_console on, whose
primary node is a real sshd in a network namespace, and the browser's side of
the xterm.js page's websocket protocol."""

from __future__ import annotations

import asyncio
import json

import asyncssh
import pytest
from asgiref.sync import sync_to_async
from guardian.shortcuts import assign_perm

from ganeti_webmgr.console import serial, tickets, websocket
from ganeti_webmgr.console.models import ClusterConsole, ConsoleSession
from ganeti_webmgr.console.tests import test_websocket as vnc_tests
from ganeti_webmgr.console.tests.test_websocket import run, scope_for
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.testing.browser_socket import BrowserSocket
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.netns]
logged_in = vnc_tests.logged_in


@pytest.fixture
def serial_vm(simulator, make_cluster, ssh_server, bob):
    """A running KVM VM with a serial console on the namespace's sshd; bob may power it."""
    name = sorted(simulator.cluster.instances)[0]
    with simulator.cluster.lock:
        inst = simulator.cluster.instances[name]
        simulator.cluster.meta[name].hypervisor = "kvm"
        inst["hvparams"]["serial_console"] = True
        inst["admin_state"] = "up"
        simulator.cluster._set_running(inst, True)
        node = simulator.cluster.nodes[inst["pnode"]]
        node["pip"] = ssh_server.host
        node["ndparams"]["ssh_port"] = ssh_server.port
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    settings = ClusterConsole(cluster=cluster)
    ssh_server.authorize(settings.generate_serial_key())
    settings.save()
    vm = VirtualMachine.objects.get(cluster=cluster, name=name)
    assign_perm("power", bob, vm)
    return vm


class Xterm(BrowserSocket):
    """The browser's side: binary frames are terminal bytes, text frames JSON."""

    def __init__(self, scope):
        super().__init__(scope)
        self.screen = b""

    def type(self, text: str) -> None:
        self.incoming.put_nowait({"type": "websocket.receive", "bytes": text.encode()})

    def control(self, message: dict) -> None:
        self.incoming.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})

    async def until(self, needle: bytes) -> bytes:
        while needle not in self.screen:
            message = await self.next()
            assert message["type"] == "websocket.send", message
            assert message.get("bytes") is not None, message
            self.screen += message["bytes"]
        return self.screen


def bobs_scope(vm, bob, logged_in):
    return scope_for(vm, tickets.issue(bob, vm, "serial"), logged_in(bob), kind="serial")


def test_the_browser_types_into_the_vms_serial_console_and_resizes_it(
    serial_vm,
    bob,
    logged_in,
    ssh_server,
):
    scope = bobs_scope(serial_vm, bob, logged_in)

    async def session():
        browser = Xterm(scope)
        serving = browser.start()
        assert (await browser.next())["type"] == "websocket.accept"
        # Ganeti's command reached the node as one shell-quoted line.
        await browser.until(b"COMMAND /usr/lib/ganeti/tools/kvm-console-wrapper /usr/bin/socat")
        browser.type("hello serial\r")
        await browser.until(b"ECHO hello serial")
        browser.control({"type": "resize", "cols": 132, "rows": 43})
        browser.type("size\r")
        await browser.until(b"SIZE 43 132")
        browser.close()
        await asyncio.wait_for(serving, 10)
        return browser.screen

    screen = run(session())
    assert f"UNIX-CONNECT:/var/run/ganeti/kvm-hypervisor/ctrl/{serial_vm.name}.serial".encode() in (
        screen
    )
    session = ConsoleSession.objects.get()
    assert (session.kind, session.end_reason) == ("serial", "browser")
    assert session.to_server > 0 and session.to_browser > 0
    # Trust on first use: the node's host key is recorded for the next time.
    known = ClusterConsole.objects.get().serial_known_hosts
    assert known.split() == [ssh_server.host, *ssh_server.host_key.split()]


def error_of(scope) -> str:
    async def session():
        browser = Xterm(scope)
        serving = browser.start()
        assert (await browser.next())["type"] == "websocket.accept"
        message = await browser.next()
        assert (await browser.next())["type"] == "websocket.close"
        await asyncio.wait_for(serving, 10)
        return message

    message = run(session())
    assert set(message) == {"type", "text"}, message
    frame = json.loads(message["text"])
    assert frame["type"] == "error"
    return frame["message"]


def test_a_key_the_node_does_not_know_is_explained(serial_vm, bob, logged_in):
    settings = ClusterConsole.objects.get()
    settings.generate_serial_key()  # a new key, not installed on the node
    settings.save()
    message = error_of(bobs_scope(serial_vm, bob, logged_in))
    assert "refused GWM's serial console key for user root" in message
    assert ConsoleSession.objects.get().end_reason == "unavailable"


def test_a_changed_host_key_is_refused(serial_vm, bob, logged_in, ssh_server):
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    settings = ClusterConsole.objects.get()
    settings.serial_known_hosts = f"{ssh_server.host} {' '.join(other.split()[:2])}\n"
    settings.save()
    message = error_of(bobs_scope(serial_vm, bob, logged_in))
    assert "is not the one GWM recorded for it" in message
    # The recorded key is left alone.
    assert ClusterConsole.objects.get().serial_known_hosts.split()[2] == other.split()[1]


def test_an_unknown_host_key_is_refused_without_trust_on_first_use(
    serial_vm,
    bob,
    logged_in,
):
    ClusterConsole.objects.update(serial_accept_new_host_keys=False)
    message = error_of(bobs_scope(serial_vm, bob, logged_in))
    assert "has no SSH host key recorded" in message


def test_a_vm_without_a_serial_console_is_explained(serial_vm, simulator, bob, logged_in):
    with simulator.cluster.lock:
        inst = simulator.cluster.instances[serial_vm.name]
        inst["hvparams"]["serial_console"] = False
        inst["network_port"] = 11000  # VNC instead
    message = error_of(bobs_scope(serial_vm, bob, logged_in))
    assert message.startswith(f"{serial_vm.name} has no serial console (its console is VNC)")


def test_a_session_ends_when_its_user_loses_the_right(
    serial_vm,
    bob,
    logged_in,
    monkeypatch,
):
    monkeypatch.setattr(websocket, "RECHECK_SECONDS", 0.2)

    scope = bobs_scope(serial_vm, bob, logged_in)

    async def session():
        browser = Xterm(scope)
        serving = browser.start()
        await browser.next()
        await browser.until(b"COMMAND")
        await sync_to_async(set_permissions, thread_sensitive=False)(serial_vm, bob, [])
        await asyncio.wait_for(serving, 10)  # ends without the browser closing it

    run(session())
    assert ConsoleSession.objects.get().end_reason == "revoked"


def test_control_messages_that_are_not_resizes_are_ignored():
    class Process:
        sizes: list = []

        def change_terminal_size(self, cols, rows):
            self.sizes.append((cols, rows))

    process = Process()
    for text in ("not json", "[1]", '{"type": "paste"}', '{"type": "resize", "cols": "80"}'):
        serial.control(text, process)
    serial.control('{"type": "resize", "cols": 100, "rows": 30}', process)
    assert process.sizes == [(100, 30)]
