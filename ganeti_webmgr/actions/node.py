"""What may be done to a node: its role, migrating or evacuating its VMs, its tags."""

from __future__ import annotations

from django import forms

from ganeti_webmgr.actions.base import Action, ActionForm
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.actions.tags import tags_action
from ganeti_webmgr.actions.vm import MIRRORED
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

ROLES = {
    "master-candidate": "master candidate",
    "regular": "regular",
    "drained": "drained",
    "offline": "offline",
}
EVACUATE_MODES = {
    "primary-only": "primary VMs",
    "secondary-only": "secondary VMs",
    "all": "all VMs",
}


def _vms(node: Node, mode: str = "all"):
    vms = VirtualMachine.objects.filter(cluster_id=node.cluster_id, missing=False)
    if mode == "primary-only":
        return vms.filter(primary_node=node)
    if mode == "secondary-only":
        return vms.filter(secondary_node=node)
    return vms.filter(primary_node=node) | vms.filter(secondary_node=node)


def _present(node: Node) -> str:
    return "it is gone from Ganeti" if node.missing else ""


def _role_changeable(node: Node) -> str:
    if node.role == Node.Role.MASTER:
        return "it is the master node: Ganeti changes that role only by gnt-cluster master-failover"
    return _present(node)


def _migratable(node: Node) -> str:
    if why := _present(node):
        return why
    running = _vms(node, "primary-only").filter(oper_state=True, disk_template__in=MIRRORED)
    return "" if running.exists() else "no running VM on it can be migrated"


def _evacuable(node: Node) -> str:
    if why := _present(node):
        return why
    return "" if _vms(node).exists() else "no VM uses it"


class RoleForm(ActionForm):
    role = forms.ChoiceField(label="New role")
    force = forms.BooleanField(
        label="Force (also when it leaves too few master candidates)", required=False
    )

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["role"].choices = [(k, v) for k, v in ROLES.items() if k != target.role]


class NodeMigrateForm(ActionForm):
    mode = forms.ChoiceField(
        label="Mode",
        required=False,
        choices=[("", "cluster default"), ("live", "live"), ("non-live", "non-live")],
    )


class EvacuateForm(ActionForm):
    mode = forms.ChoiceField(label="Move", choices=list(EVACUATE_MODES.items()))


def _confirm_role(node: Node, p: dict) -> str | None:
    role, count = p["role"], _vms(node).count()
    if role == "drained":
        return f"Ganeti places no new VMs on {node.name}; its {count} VM(s) keep running there."
    if role == "offline":
        return (
            f"Ganeti stops talking to {node.name}: its {count} VM(s) can no longer be "
            "started, stopped or changed through Ganeti until it is back online."
        )
    return f"{node.name} becomes a {ROLES[role]} node."


def _confirm_evacuate(node: Node, p: dict) -> str:
    names = list(_vms(node, p["mode"]).order_by("name").values_list("name", flat=True))
    shown = ", ".join(names[:50]) + (f" and {len(names) - 50} more" if len(names) > 50 else "")
    return (
        f"Ganeti moves the {EVACUATE_MODES[p['mode']]} of {node.name} to other nodes "
        f"({len(names)}: {shown or 'none'}). Each one is migrated or failed over, as its "
        "disk template allows."
    )


def _role(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.set_node_role(name, p["role"], force=p.get("force", False), reason=reason or None)


def _migrate(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.migrate_node(name, mode=p.get("mode") or None, reason=reason or None)


def _evacuate(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.evacuate_node(name, mode=p["mode"], reason=reason or None)


register(
    Action(
        "node.role",
        "node",
        "Change role",
        "role",
        "node.modify",
        lambda node, p: f"set the role of {node.name} to {p['role']}",
        _role,
        form=RoleForm,
        available=_role_changeable,
        confirm=_confirm_role,
    ),
    Action(
        "node.migrate",
        "node",
        "Migrate primary VMs",
        "migrate",
        "node.migrate",
        lambda node, p: (
            f"migrate the primary VMs of {node.name}" + (f" ({p['mode']})" if p.get("mode") else "")
        ),
        _migrate,
        form=NodeMigrateForm,
        available=_migratable,
        prominent=True,
    ),
    Action(
        "node.evacuate",
        "node",
        "Evacuate",
        "evacuate",
        "node.evacuate",
        lambda node, p: f"evacuate the {EVACUATE_MODES[p['mode']]} of {node.name}",
        _evacuate,
        form=EvacuateForm,
        available=_evacuable,
        confirm=_confirm_evacuate,
        prominent=True,
    ),
    tags_action("node", "node", lambda node: f"node {node.name}", available=_present),
)
