"""What may be done to a node: its role, migrating or evacuating its VMs, its tags."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions.base import Action, ActionForm
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.actions.tags import tags_action
from ganeti_webmgr.actions.vm import MIRRORED
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

ROLES = {
    "master-candidate": gettext_lazy("master candidate"),
    "regular": gettext_lazy("regular"),
    "drained": gettext_lazy("drained"),
    "offline": gettext_lazy("offline"),
}
EVACUATE_MODES = {
    "primary-only": gettext_lazy("primary VMs"),
    "secondary-only": gettext_lazy("secondary VMs"),
    "all": gettext_lazy("all VMs"),
}


def _vms(node: Node, mode: str = "all"):
    vms = VirtualMachine.objects.filter(cluster_id=node.cluster_id, missing=False)
    if mode == "primary-only":
        return vms.filter(primary_node=node)
    if mode == "secondary-only":
        return vms.filter(secondary_node=node)
    return vms.filter(primary_node=node) | vms.filter(secondary_node=node)


def _present(node: Node) -> str:
    return _("it is gone from Ganeti") if node.missing else ""


def _role_changeable(node: Node) -> str:
    if node.role == Node.Role.MASTER:
        return _(
            "it is the master node: Ganeti changes that role only by gnt-cluster master-failover"
        )
    return _present(node)


def _migratable(node: Node) -> str:
    if why := _present(node):
        return why
    running = _vms(node, "primary-only").filter(oper_state=True, disk_template__in=MIRRORED)
    return "" if running.exists() else _("no running VM on it can be migrated")


def _evacuable(node: Node) -> str:
    if why := _present(node):
        return why
    return "" if _vms(node).exists() else _("no VM uses it")


class RoleForm(ActionForm):
    role = forms.ChoiceField(label=gettext_lazy("New role"))
    force = forms.BooleanField(
        label=gettext_lazy("Force (also when it leaves too few master candidates)"),
        required=False,
    )

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["role"].choices = [(k, v) for k, v in ROLES.items() if k != target.role]


class NodeMigrateForm(ActionForm):
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"),
        required=False,
        choices=[("", gettext_lazy("cluster default")), ("live", "live"), ("non-live", "non-live")],
    )


class EvacuateForm(ActionForm):
    mode = forms.ChoiceField(label=gettext_lazy("Move"), choices=list(EVACUATE_MODES.items()))


def _confirm_role(node: Node, p: dict) -> str | None:
    role, count = p["role"], _vms(node).count()
    if role == "drained":
        return _(
            "Ganeti places no new VMs on %(node)s; its %(count)s VM(s) keep running there."
        ) % {"node": node.name, "count": count}
    if role == "offline":
        return _(
            "Ganeti stops talking to %(node)s: its %(count)s VM(s) can no longer be "
            "started, stopped or changed through Ganeti until it is back online."
        ) % {"node": node.name, "count": count}
    return _("%(node)s becomes a %(role)s node.") % {"node": node.name, "role": ROLES[role]}


def _confirm_evacuate(node: Node, p: dict) -> str:
    names = list(_vms(node, p["mode"]).order_by("name").values_list("name", flat=True))
    shown = ", ".join(names[:50])
    if len(names) > 50:
        shown += _(" and %(count)s more") % {"count": len(names) - 50}
    return _(
        "Ganeti moves the %(what)s of %(node)s to other nodes (%(count)s: %(names)s). "
        "Each one is migrated or failed over, as its disk template allows."
    ) % {
        "what": EVACUATE_MODES[p["mode"]],
        "node": node.name,
        "count": len(names),
        "names": shown or _("none"),
    }


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
        gettext_lazy("Change role"),
        "role",
        "node.modify",
        lambda node, p: (
            _("set the role of %(node)s to %(role)s") % {"node": node.name, "role": p["role"]}
        ),
        _role,
        form=RoleForm,
        available=_role_changeable,
        confirm=_confirm_role,
    ),
    Action(
        "node.migrate",
        "node",
        gettext_lazy("Migrate primary VMs"),
        "migrate",
        "node.migrate",
        lambda node, p: (
            _("migrate the primary VMs of %(node)s") % {"node": node.name}
            + (f" ({p['mode']})" if p.get("mode") else "")
        ),
        _migrate,
        form=NodeMigrateForm,
        available=_migratable,
        prominent=True,
    ),
    Action(
        "node.evacuate",
        "node",
        gettext_lazy("Evacuate"),
        "evacuate",
        "node.evacuate",
        lambda node, p: (
            _("evacuate the %(what)s of %(node)s")
            % {"what": EVACUATE_MODES[p["mode"]], "node": node.name}
        ),
        _evacuate,
        form=EvacuateForm,
        available=_evacuable,
        confirm=_confirm_evacuate,
        prominent=True,
    ),
    tags_action(
        "node", "node", lambda node: _("node %(node)s") % {"node": node.name}, available=_present
    ),
)
