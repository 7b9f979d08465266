"""Where a VM's VNC console is: the primary node's address and the instance's
port, from synced data, confirmed by RAPI's console answer just before use."""

from __future__ import annotations

from dataclasses import dataclass

from ganeti_webmgr.clusters import rapi
from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.ganeti import RapiError, RapiHTTPError, Timeouts
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


def vnc_target(vm: VirtualMachine) -> VncTarget:
    node = vm.primary_node
    if node is None or not node.primary_ip:
        raise NoConsole(
            f"GWM does not know the address of {vm.name}'s primary node yet; "
            "try again after the next sync"
        )
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
    if answer.kind == "ssh":
        raise NoConsole(f"{vm.name} has a serial console: open the serial console instead")
    if answer.kind != "vnc":
        raise NoConsole(f"{vm.name}'s console is {answer.kind.upper()}, which GWM cannot show")
    # Ganeti's own answer names vnc_bind_address (often 0.0.0.0): the node's
    # address is what the proxy can reach. Its port wins over a stale sync.
    port = answer.port or (vm.raw or {}).get("network_port")
    if not port:
        raise NoConsole(f"Ganeti gave no VNC port for {vm.name}")
    settings = ClusterConsole.objects.filter(cluster=vm.cluster).first()
    password = settings.vnc_password if settings and settings.vnc_password_encrypted else None
    return VncTarget(node.primary_ip, int(port), password)
