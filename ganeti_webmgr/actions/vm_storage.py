"""A VM's disks and cards beyond adding them: export, replace DRBD disks, remove a
disk, edit a network card. Their rules are Ganeti 3.0's, as recorded in
docs/developer/ganeti-client.rst."""

from __future__ import annotations

import ipaddress
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions.base import Action, ActionForm
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.actions.vm import other_nodes, present
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# Disk templates whose disks Ganeti can snapshot, so a running VM exports live.
SNAPSHOTS = frozenset({"plain", "drbd"})
_MAC = re.compile(r"([0-9a-f]{2}:){5}[0-9a-f]{2}")
REPLACE_MODES = {
    "replace_auto": gettext_lazy("automatic (whatever is broken)"),
    "replace_on_primary": gettext_lazy("on the primary node"),
    "replace_on_secondary": gettext_lazy("on the secondary node"),
    "replace_new_secondary": gettext_lazy("onto a new secondary node"),
}
NIC_MODES = [
    ("", gettext_lazy("unchanged")),
    ("bridged", "bridged"),
    ("routed", "routed"),
    ("openvswitch", "openvswitch"),
]


def _exportable(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    if not vm.disk_count:
        return _("it has no disks (Ganeti 3.0 cannot export a diskless VM)")
    return ""


def _drbd(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    return "" if vm.disk_template == "drbd" else _("Ganeti replaces only DRBD disks")


def _disk_removable(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    if vm.disk_count < 2:
        return _("it has one disk: without it the VM would be diskless for good")
    if vm.admin_state == "up":
        return _("Ganeti removes a disk only from a stopped VM: shut it down first")
    return ""


def _has_nics(vm: VirtualMachine) -> str:
    return present(vm) or ("" if vm.nic_macs else _("it has no network card"))


class ExportForm(ActionForm):
    destination = forms.ChoiceField(label=gettext_lazy("To node"))
    shutdown = forms.BooleanField(
        label=gettext_lazy("Shut it down for the export"), required=False, initial=True
    )
    remove_instance = forms.BooleanField(
        label=gettext_lazy("Delete the VM afterwards"), required=False
    )

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        nodes = Node.objects.filter(cluster_id=target.cluster_id, offline=False, missing=False)
        self.fields["destination"].choices = [
            (n, n) for n in nodes.order_by("name").values_list("name", flat=True)
        ]

    def clean(self):
        data = super().clean()
        vm = self.target
        if data.get("remove_instance") and not data.get("shutdown") and vm.running:
            self.add_error(
                "remove_instance", _("To delete it afterwards, let Ganeti shut it down.")
            )
        return data

    def params(self):
        data, vm = self.cleaned_data, self.target
        params = {
            "destination": data["destination"],
            "shutdown": data["shutdown"],
            "remove_instance": data["remove_instance"],
        }
        if vm.running and data["shutdown"] and vm.disk_template not in SNAPSHOTS:
            # Ganeti cannot snapshot these disks: without it, it stops the VM and gives up.
            params["long_sleep"] = True
        return params


class ReplaceDisksForm(ActionForm):
    mode = forms.ChoiceField(label=gettext_lazy("Replace"), choices=list(REPLACE_MODES.items()))
    disks = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Disks"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only on the primary or the secondary node; none: all of them."),
    )
    remote_node = forms.ChoiceField(label=gettext_lazy("New secondary node"), required=False)
    iallocator = forms.BooleanField(
        label=gettext_lazy("Let Ganeti choose the new node"), required=False
    )

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["disks"].choices = [
            (i, _("disk %(index)s") % {"index": i}) for i in range(target.disk_count)
        ]
        nodes = [(n, n) for n, _label in other_nodes(target) if n != _secondary(target)]
        self.fields["remote_node"].choices = [("", "-"), *nodes]
        self.default_iallocator = (target.cluster.info or {}).get("default_iallocator") or ""
        if not self.default_iallocator:
            del self.fields["iallocator"]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        new = mode == "replace_new_secondary"
        if new and not (data.get("remote_node") or data.get("iallocator")):
            self.add_error("remote_node", _("Choose the new secondary node, or let Ganeti choose."))
        if not new and (data.get("remote_node") or data.get("iallocator")):
            self.add_error("remote_node", _("A new node only when the secondary is replaced."))
        if data.get("disks") and mode not in ("replace_on_primary", "replace_on_secondary"):
            self.add_error("disks", _("Disks are chosen only on the primary or the secondary."))
        return data

    def params(self):
        data = self.cleaned_data
        params = {"mode": data["mode"]}
        if data.get("disks"):
            params["disks"] = data["disks"]
        if data.get("remote_node"):
            params["remote_node"] = data["remote_node"]
        elif data.get("iallocator"):
            params["iallocator"] = self.default_iallocator
        return params


def _secondary(vm: VirtualMachine) -> str:
    return vm.secondary_node.name if vm.secondary_node_id and vm.secondary_node else ""


class RemoveDiskForm(ActionForm):
    disk = forms.TypedChoiceField(label=gettext_lazy("Disk"), coerce=int)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["disk"].choices = [
            (i, _("disk %(index)s") % {"index": i}) for i in range(target.disk_count)
        ]


class NicForm(ActionForm):
    nic = forms.TypedChoiceField(label=gettext_lazy("Card"), coerce=int)
    link = forms.CharField(label=gettext_lazy("Link"), required=False, max_length=64)
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), required=False, choices=NIC_MODES)
    mac = forms.CharField(
        label=gettext_lazy("MAC"),
        required=False,
        max_length=17,
        help_text=gettext_lazy("Or generate for a new one."),
    )
    ip = forms.CharField(
        label=gettext_lazy("IP"),
        required=False,
        max_length=45,
        help_text=gettext_lazy("none clears it; pool takes one."),
    )
    network = forms.ChoiceField(label=gettext_lazy("Network"), required=False)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["nic"].choices = [
            (i, _("card %(index)s (%(mac)s)") % {"index": i, "mac": mac})
            for i, mac in enumerate(target.nic_macs)
        ]
        networks = [n.get("name") for n in target.cluster.networks if n.get("name")]
        self.fields["network"].choices = [("", _("unchanged")), ("none", _("none (detach)"))] + [
            (n, n) for n in networks
        ]

    def clean_mac(self):
        mac = self.cleaned_data["mac"].strip().lower()
        if mac and mac != "generate" and not _MAC.fullmatch(mac):
            raise forms.ValidationError(_("Write six pairs of hex digits (aa:00:00:12:34:56)."))
        return mac

    def clean_ip(self):
        ip = self.cleaned_data["ip"].strip().lower()
        if ip and ip not in ("none", "pool"):
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                raise forms.ValidationError(_("Not an IP address.")) from None
        return ip

    def clean(self):
        data = super().clean()
        if data.get("network") and (data.get("link") or data.get("mode")):
            self.add_error(
                "network",
                _("A card on a network takes the network's link and mode (Ganeti's rule)."),
            )
        if data.get("ip") == "pool" and not data.get("network"):
            self.add_error("ip", _("An address from the pool needs a network."))
        if not self.errors and not (set(self.params()) - {"nic"}):
            raise forms.ValidationError(_("Nothing to change."))
        return data

    def params(self):
        data = self.cleaned_data
        params = {"nic": data["nic"]}
        for key in ("link", "mode", "mac", "ip", "network"):
            if data.get(key):
                params[key] = data[key]
        return params


def _export(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.export_instance(
        name,
        destination=p["destination"],
        shutdown=p.get("shutdown"),
        remove_instance=p.get("remove_instance") or None,
        long_sleep=p.get("long_sleep") or None,
        reason=reason or None,
    )


def _describe_export(vm, p) -> str:
    values = {"vm": vm.name, "node": p["destination"]}
    if p.get("remove_instance"):
        return _("export %(vm)s to %(node)s, then delete it") % values
    return _("export %(vm)s to %(node)s") % values


def _confirm_export(vm, p) -> str | None:
    if p.get("remove_instance"):
        return _("%(vm)s is exported to %(node)s, then deleted with all its disks.") % {
            "vm": vm.name,
            "node": p["destination"],
        }
    if p.get("long_sleep"):
        return _(
            "Ganeti cannot snapshot %(template)s disks: %(vm)s is shut down for "
            "the whole export and started again afterwards."
        ) % {"template": vm.disk_template, "vm": vm.name}
    return None


def _replace(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.replace_instance_disks(
        name,
        mode=p["mode"],
        disks=p.get("disks"),
        remote_node=p.get("remote_node"),
        iallocator=p.get("iallocator"),
        reason=reason or None,
    )


def _describe_replace(vm, p) -> str:
    text = _("replace the disks of %(vm)s %(how)s") % {
        "vm": vm.name,
        "how": REPLACE_MODES[p["mode"]],
    }
    if p.get("remote_node"):
        text += f" ({p['remote_node']})"
    return text


def _remove_disk(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.remove_instance_disk(name, p["disk"], reason=reason or None)


def _nic(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    changes = {k: v for k, v in p.items() if k != "nic"}
    return client.modify_instance_nic(name, p["nic"], **changes, reason=reason or None)


def _describe_nic(vm, p) -> str:
    changes = ", ".join(f"{k} {v}" for k, v in p.items() if k != "nic")
    return _("change network card %(nic)s of %(vm)s: %(changes)s") % {
        "nic": p["nic"],
        "vm": vm.name,
        "changes": changes,
    }


register(
    Action(
        "vm.export",
        "vm",
        gettext_lazy("Export"),
        "export",
        "vm.export",
        _describe_export,
        _export,
        form=ExportForm,
        available=_exportable,
        confirm=_confirm_export,
        section="storage",
    ),
    Action(
        "vm.replace_disks",
        "vm",
        gettext_lazy("Replace disks"),
        "replace_disks",
        "vm.replace_disks",
        _describe_replace,
        _replace,
        form=ReplaceDisksForm,
        available=_drbd,
        section="storage",
    ),
    Action(
        "vm.remove_disk",
        "vm",
        gettext_lazy("Remove disk"),
        "modify",
        "vm.modify",
        lambda vm, p: _("remove disk %(disk)s of %(vm)s") % {"disk": p["disk"], "vm": vm.name},
        _remove_disk,
        form=RemoveDiskForm,
        available=_disk_removable,
        confirm=lambda vm, p: (
            _("Disk %(disk)s of %(vm)s and all that is on it are deleted.")
            % {"disk": p["disk"], "vm": vm.name}
        ),
        section="storage",
        destructive=True,
        warning=gettext_lazy("The disk and everything on it are deleted."),
    ),
    Action(
        "vm.nic",
        "vm",
        gettext_lazy("Change network card"),
        "modify",
        "vm.modify",
        _describe_nic,
        _nic,
        form=NicForm,
        available=_has_nics,
        section="resources",
    ),
)
