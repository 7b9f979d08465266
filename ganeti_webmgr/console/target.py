"""Where a VM's console is: the primary node's address from synced data, and
RAPI's console answer asked just before use (the VNC port; or, for the serial
console, the node's SSH port, user and command)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ganeti_webmgr.clusters import rapi
from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.console.serial import SerialTarget
from ganeti_webmgr.ganeti import RapiError, RapiHTTPError, Timeouts
from ganeti_webmgr.ganeti.models import ConsoleInfo
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# Ganeti answers from its configuration: seconds, or the user is told why not.
TIMEOUTS = Timeouts(connect=3.0, read=5.0, total=8.0)


class NoConsole(Exception):
    """The console cannot be opened; the message is for the user."""


@dataclass(frozen=True)
class VncTarget:
    host: str
    port: int
    password: str | None
    tls_ca: str | None = None  # PEM: VeNCrypt with TLS, the node verified against it


def _node_address(vm: VirtualMachine) -> str:
    node = vm.primary_node
    if node is None or not node.primary_ip:
        raise NoConsole(
            f"GWM does not know the address of {vm.name}'s primary node yet; "
            "try again after the next sync"
        )
    return node.primary_ip


def _console_answer(vm: VirtualMachine) -> ConsoleInfo:
    try:
        answer = rapi.client_for(vm.cluster, TIMEOUTS).get_instance_console(vm.name)
    except RapiHTTPError as error:
        if error.status == 503:
            raise NoConsole(f"{vm.name} is not running, so it has no console") from None
        raise NoConsole(f"Ganeti refused the console of {vm.name}: {error}") from None
    except RapiError as error:
        raise NoConsole(f"Ganeti did not answer for the console of {vm.name}: {error}") from None
    if answer.kind == "msg":
        raise NoConsole(f"Ganeti says: {answer.message or 'no console'}")
    return answer


def vnc_target(vm: VirtualMachine) -> VncTarget:
    address = _node_address(vm)
    answer = _console_answer(vm)
    raw = vm.raw or {}
    if answer.kind == "ssh":
        # With serial_console on (KVM's default) Ganeti answers with the serial
        # console even when VNC is set up too: then the synced VNC settings decide.
        hvparams = raw.get("hvparams") if isinstance(raw.get("hvparams"), dict) else {}
        if not (hvparams.get("vnc_bind_address") and raw.get("network_port")):
            raise NoConsole(
                f"{vm.name} has a serial console and no VNC: open the serial console instead"
            )
        answer_port = None
    elif answer.kind != "vnc":
        raise NoConsole(f"{vm.name}'s console is {answer.kind.upper()}, which GWM cannot show")
    else:
        answer_port = answer.port
    # Ganeti's own answer names vnc_bind_address (often 0.0.0.0): the node's
    # address is what the proxy can reach. Its port wins over a stale sync.
    port = answer_port or raw.get("network_port")
    if not port:
        raise NoConsole(f"Ganeti gave no VNC port for {vm.name}")
    settings = ClusterConsole.objects.filter(cluster=vm.cluster).first()
    password = settings.vnc_password if settings and settings.vnc_password_encrypted else None
    tls_ca = settings.vnc_tls_ca if settings and settings.vnc_tls_ca.strip() else None
    return VncTarget(address, int(port), password, tls_ca)


def serial_target(vm: VirtualMachine) -> SerialTarget:
    address = _node_address(vm)
    answer = _console_answer(vm)
    if answer.kind != "ssh":
        raise NoConsole(
            f"{vm.name} has no serial console (its console is {answer.kind.upper()}); "
            "Ganeti offers one for KVM with the serial_console hypervisor parameter"
        )
    node = vm.primary_node
    # RAPI names the primary node; GWM connects to the address it synced for it.
    if answer.host and answer.host != node.name:
        raise NoConsole(
            f"Ganeti says {vm.name}'s serial console is on {answer.host}, but GWM knows "
            f"{node.name} as its primary node; try again after the next sync"
        )
    if not answer.command:
        raise NoConsole(f"Ganeti gave no serial console command for {vm.name}")
    settings = ClusterConsole.objects.filter(cluster=vm.cluster).first()
    if settings is None or not settings.serial_key_encrypted:
        raise NoConsole(
            f"the cluster {vm.cluster} has no serial console key set; an administrator "
            "must generate one and install it on the nodes"
        )
    return SerialTarget(
        host=address,
        node=node.name,
        port=int(answer.port or 22),
        user=answer.user or "root",
        command=list(answer.command),
        key=settings.serial_key,
        known_hosts=settings.serial_known_hosts,
        accept_new=settings.serial_accept_new_host_keys,
    )


def record_host_key(vm: VirtualMachine, line: str) -> None:
    """Remember a node's first host key (trust on first use), unless one was
    recorded meanwhile."""
    with transaction.atomic():
        settings = ClusterConsole.objects.select_for_update().get(cluster=vm.cluster)
        host = line.split()[0]
        if any(row.split()[:1] == [host] for row in settings.serial_known_hosts.splitlines()):
            return
        settings.serial_known_hosts = (
            settings.serial_known_hosts.rstrip("\n") + "\n" + line
        ).strip() + "\n"
        settings.save(update_fields=["serial_known_hosts"])
