"""What may be done to a VM: power, migration, reinstall, rename, changes, tags, delete.

Availability follows Ganeti's own rules, so that GWM offers only what Ganeti will
do: start a stopped VM, stop or reboot a running one, rename a stopped one, migrate
or fail over only disk templates that have a second copy or shared storage.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions.base import Action, ActionForm, NotSubmitted, submit_with
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.actions.tags import tags_action
from ganeti_webmgr.actions.validators import ganeti_name
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.quotas import demand
from ganeti_webmgr.virtual_machines.forms import ParametersForm
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# Disk templates Ganeti migrates and fails over (its DTS_MIRRORED): DRBD moves to its
# secondary node; the others reach their disks from any node, so they move to a node
# chosen by the user or the cluster's allocator. Diskless VMs count among those in
# Ganeti (DTS_EXT_MIRROR): they have nothing on a node to leave behind.
INTERNALLY_MIRRORED = frozenset({"drbd"})
SHARED_STORAGE = frozenset({"sharedfile", "rbd", "ext", "blockdev", "gluster"})
EXTERNALLY_MIRRORED = SHARED_STORAGE | {"diskless"}
MIRRORED = INTERNALLY_MIRRORED | EXTERNALLY_MIRRORED
MAX_MIB = 2**40  # far beyond any VM, and within every database's integer column


# -- availability ----------------------------------------------------------------------
def present(vm: VirtualMachine) -> str:
    if vm.missing:
        return _("it is gone from Ganeti")
    return ""


def _stopped(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    if vm.running:
        return _("it is running")
    if vm.admin_state == "offline":
        return _("it is marked offline in Ganeti")
    return ""


def _running(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    return "" if vm.running else _("it is not running")


def _mirrored(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    if vm.disk_template not in MIRRORED:
        return _("its disk template (%(template)s) has no second copy and no shared storage") % {
            "template": vm.disk_template or _("unknown")
        }
    if vm.disk_template in EXTERNALLY_MIRRORED and not other_nodes(vm):
        return _("there is no other node to move it to")
    return ""


def _migratable(vm: VirtualMachine) -> str:
    return _mirrored(vm) or _running(vm)


def _renamable(vm: VirtualMachine) -> str:
    if vm.running:
        return _("Ganeti renames only stopped VMs: shut it down first")
    return _stopped(vm)


def _has_disks(vm: VirtualMachine) -> str:
    return present(vm) or ("" if vm.disk_count else _("it has no disks"))


# -- forms -------------------------------------------------------------------------------
class ShutdownForm(ActionForm):
    timeout = forms.IntegerField(
        label=gettext_lazy("Timeout (s)"),
        required=False,
        min_value=0,
        max_value=3600,
        initial=120,
        help_text=gettext_lazy(
            "How long Ganeti waits for a clean shutdown before it pulls the plug; "
            "0 powers it off at once."
        ),
    )


class RebootForm(ActionForm):
    reboot_type = forms.ChoiceField(
        label=gettext_lazy("Reboot"),
        required=False,  # Ganeti's default: soft
        choices=[("soft", "soft"), ("hard", "hard"), ("full", "full")],
        initial="soft",
    )


def other_nodes(vm: VirtualMachine) -> list[tuple[str, str]]:
    nodes = Node.objects.filter(cluster_id=vm.cluster_id, offline=False, vm_capable=True)
    names = nodes.exclude(pk=vm.primary_node_id).order_by("name").values_list("name", flat=True)
    return [(name, name) for name in names]


class _MoveForm(ActionForm):
    """Migration and failover: DRBD goes to its secondary node; shared storage and
    diskless VMs to the node chosen, or the one the cluster's allocator picks."""

    target_node = forms.ChoiceField(label=gettext_lazy("To node"), required=False)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        if target.disk_template in EXTERNALLY_MIRRORED:
            allocator = (target.cluster.info or {}).get("default_iallocator") or ""
            choices = other_nodes(target)
            if allocator:
                choices = [("", _("chosen by %(allocator)s") % {"allocator": allocator}), *choices]
            self.fields["target_node"].choices = choices
            self.fields["target_node"].required = not allocator
        else:
            del self.fields["target_node"]  # DRBD goes to its secondary node


class MigrateForm(_MoveForm):
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"),
        required=False,
        choices=[("", gettext_lazy("cluster default")), ("live", "live"), ("non-live", "non-live")],
    )
    cleanup = forms.BooleanField(label=gettext_lazy("Clean up a failed migration"), required=False)


class FailoverForm(_MoveForm):
    pass


class ReinstallForm(ActionForm):
    os = forms.ChoiceField(label=gettext_lazy("Operating system"))
    start = forms.BooleanField(
        label=gettext_lazy("Start it afterwards"), required=False, initial=True
    )

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        known = list(target.cluster.operating_systems)
        if target.os and target.os not in known:
            known.insert(0, target.os)
        self.fields["os"].choices = [(name, name) for name in known]
        self.fields["os"].initial = target.os

    def params(self):
        return {"os": self.cleaned_data["os"], "start": self.cleaned_data["start"]}


class RenameForm(ActionForm):
    new_name = forms.CharField(label=gettext_lazy("New name"), max_length=253, strip=True)
    name_check = forms.BooleanField(
        label=gettext_lazy("Check that the new name resolves"), required=False, initial=True
    )
    ip_check = forms.BooleanField(
        label=gettext_lazy("Check that its address is not in use (needs the name check)"),
        required=False,
    )

    def clean_new_name(self):
        name = ganeti_name(self.cleaned_data["new_name"])
        if name == self.target.name:
            raise forms.ValidationError(_("That is its name already."))
        taken = VirtualMachine.objects.filter(cluster_id=self.target.cluster_id, name=name)
        if taken.exists():
            raise forms.ValidationError(
                _("%(name)s exists already in this cluster.") % {"name": name}
            )
        return name

    def clean(self):
        data = super().clean()
        if data.get("ip_check") and not data.get("name_check"):
            self.add_error("ip_check", _("Ganeti checks the address only with the name check."))
        return data

    def params(self):
        data = self.cleaned_data
        return {
            "new_name": data["new_name"],
            "name_check": data["name_check"],
            "ip_check": data["ip_check"],
        }


def _mib(label, required: bool = False, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=1, max_value=MAX_MIB, **kwargs
    )


class ModifyForm(ActionForm):
    """Memory, vCPUs, a card or disk more or less: only what differs from what GWM
    showed is sent, and nothing if Ganeti changed the VM since the page was shown."""

    maxmem = _mib(gettext_lazy("Memory (MiB)"))
    minmem = _mib(gettext_lazy("Minimum memory (MiB)"))
    vcpus = forms.IntegerField(
        label=gettext_lazy("vCPUs"), required=False, min_value=1, max_value=1024
    )
    add_nic = forms.BooleanField(label=gettext_lazy("Add a network card"), required=False)
    nic_link = forms.CharField(label=gettext_lazy("on link"), required=False, max_length=64)
    nic_mode = forms.ChoiceField(
        label=gettext_lazy("mode"),
        required=False,
        choices=[
            ("", gettext_lazy("cluster default")),
            ("bridged", "bridged"),
            ("routed", "routed"),
            ("openvswitch", "openvswitch"),
        ],
    )
    remove_nic = forms.BooleanField(
        label=gettext_lazy("Remove the last network card"), required=False
    )
    add_disk = _mib(gettext_lazy("Add a disk of (MiB)"))
    # Ganeti's serial number of the VM as the form showed it.
    serial_no = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["maxmem"].initial = target.memory
        self.fields["minmem"].initial = target.minmem
        self.fields["vcpus"].initial = target.vcpus
        self.fields["serial_no"].initial = target.serial_no
        if target.nic_macs:
            remove = self.fields["remove_nic"]
            remove.label = f"{remove.label} ({target.nic_macs[-1]})"
        else:
            del self.fields["remove_nic"]

    CURRENT = {"maxmem": "memory", "minmem": "minmem", "vcpus": "vcpus"}

    def clean(self):
        data = super().clean()
        vm = self.target
        seen = data.get("serial_no")
        if seen is not None and vm.serial_no is not None and seen != vm.serial_no:
            now = _("memory %(memory)s MiB, minimum %(minmem)s MiB, %(vcpus)s vCPUs") % {
                "memory": vm.memory,
                "minmem": vm.minmem,
                "vcpus": vm.vcpus,
            }
            raise forms.ValidationError(
                _(
                    "%(vm)s was changed in Ganeti after this page was shown (now: %(now)s). "
                    "Nothing was sent; check the values and submit again."
                )
                % {"vm": vm.name, "now": now}
            )
        maxmem = data.get("maxmem") or vm.memory
        minmem = data.get("minmem") or vm.minmem
        if maxmem and minmem and minmem > maxmem:
            self.add_error(
                "minmem", _("May not exceed the memory (%(maxmem)s MiB).") % {"maxmem": maxmem}
            )
        if data.get("add_nic") and data.get("remove_nic"):
            self.add_error(
                "remove_nic",
                _("Add a network card or remove one, not both at once (Ganeti's rule)."),
            )
        if (data.get("nic_link") or data.get("nic_mode")) and not data.get("add_nic"):
            self.add_error("add_nic", _("Tick it to add the card the link and mode are for."))
        if not self.errors and not self.params():
            raise forms.ValidationError(_("Nothing to change: the values are what Ganeti has."))
        return data

    def params(self):
        data, vm, params = self.cleaned_data, self.target, {}
        for field, attribute in self.CURRENT.items():
            if data.get(field) is not None and data[field] != getattr(vm, attribute):
                params[field] = data[field]
        if data.get("add_nic"):
            params["add_nic"] = {
                k: data[f"nic_{k}"] for k in ("link", "mode") if data.get(f"nic_{k}")
            }
        if data.get("remove_nic"):
            params["remove_nic"] = True
        if data.get("add_disk"):
            params["add_disk"] = data["add_disk"]
        if params and vm.serial_no is not None:
            params["serial_no"] = vm.serial_no
        return params


class VMParametersForm(ParametersForm):
    """The OS and parameters page's form, as an action form."""

    def __init__(self, target, data=None, *, user=None, **kwargs):
        self.target, self.user = target, user
        super().__init__(target, data, **kwargs)

    def params(self):
        return self.changes()


class GrowDiskForm(ActionForm):
    disk = forms.TypedChoiceField(label=gettext_lazy("Disk"), coerce=int)
    amount = _mib(gettext_lazy("Grow by (MiB)"), required=True)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["disk"].choices = [
            (i, _("disk %(index)s") % {"index": i}) for i in range(target.disk_count)
        ]


class RemoveForm(ActionForm):
    confirm_name = forms.CharField(
        label=gettext_lazy("Type the VM's name to delete it"),
        max_length=253,
        help_text=gettext_lazy("Ganeti deletes it with all its disks; this cannot be undone."),
    )

    def clean_confirm_name(self):
        if self.cleaned_data["confirm_name"].strip() != self.target.name:
            raise forms.ValidationError(_("Type %(name)s exactly.") % {"name": self.target.name})
        return ""


# -- submission --------------------------------------------------------------------------
def _unchanged_since_seen(client: RapiClient, name: str, params: dict) -> None:
    """The VM as Ganeti has it now must be the one the form showed: else nothing is sent."""
    seen = params.get("serial_no")
    if seen is None:
        return
    now = client.get_instance(name)
    if now.serial_no is not None and now.serial_no != seen:
        raise NotSubmitted(
            f"{name} was changed in Ganeti after the form was shown (its serial number is "
            f"{now.serial_no}, the form showed {seen}); nothing was sent."
        )


def _modify(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    _unchanged_since_seen(client, name, p)
    params: dict = {}
    beparams = {k: p[k] for k in ("maxmem", "minmem", "vcpus") if p.get(k) is not None}
    if beparams:
        params["beparams"] = beparams
    if p.get("add_nic") is not None:
        params["nics"] = [["add", p["add_nic"]]]
    if p.get("remove_nic"):
        params["nics"] = [["remove", {}]]  # the last card (Ganeti's short form)
    if p.get("add_disk"):
        params["disks"] = [["add", {"size": p["add_disk"]}]]
    return client.modify_instance(name, reason=reason or None, **params)


def _describe_modify(vm, p) -> str:
    parts = [f"{k} {p[k]}" for k in ("maxmem", "minmem", "vcpus") if p.get(k) is not None]
    if p.get("add_nic") is not None:
        link = p["add_nic"].get("link")
        if link:
            parts.append(_("add a network card on %(link)s") % {"link": link})
        else:
            parts.append(_("add a network card"))
    if p.get("remove_nic"):
        parts.append(_("remove the last network card"))
    if p.get("add_disk"):
        parts.append(_("add a %(size)s MiB disk") % {"size": p["add_disk"]})
    return _("modify %(vm)s: %(changes)s") % {"vm": vm.name, "changes": ", ".join(parts)}


def _describe_parameters(vm, p) -> str:
    parts = []
    if p.get("os_name"):
        parts.append(_("OS %(os)s") % {"os": p["os_name"]})
    for kind, label in (("osparams", _("OS parameter")), ("hvparams", _("hypervisor parameter"))):
        for key, value in sorted((p.get(kind) or {}).items()):
            if value == "default":
                parts.append(_("%(kind)s %(key)s reset") % {"kind": label, "key": key})
            else:
                parts.append(f"{label} {key}={value}")
    return _("modify %(vm)s: %(changes)s") % {"vm": vm.name, "changes": ", ".join(parts)}


def _shutdown(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.shutdown_instance(name, timeout=p.get("timeout"), reason=reason or None)


def _reboot(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.reboot_instance(
        name, reboot_type=p.get("reboot_type", "soft"), reason=reason or None
    )


def _describe_shutdown(vm, p) -> str:
    timeout = p.get("timeout")
    if timeout == 0:
        return _("power off %(vm)s at once") % {"vm": vm.name}
    if timeout is not None:
        return _("shut down %(vm)s (timeout %(timeout)s s)") % {"vm": vm.name, "timeout": timeout}
    return _("shut down %(vm)s") % {"vm": vm.name}


def _confirm_shutdown(vm, p) -> str | None:
    if p.get("timeout") == 0:
        return _(
            "%(vm)s is powered off at once, as if its power cord were pulled: "
            "its programs get no chance to save anything."
        ) % {"vm": vm.name}
    return None


def _describe_move(verb, verb_to):
    """verb: "migrate %(vm)s"; verb_to: the same "to %(node)s" (lazy texts)."""

    def describe(vm, p) -> str:
        node = p.get("target_node")
        if p.get("cleanup"):
            verb_now, verb_now_to = _CLEANUP, _CLEANUP_TO
        else:
            verb_now, verb_now_to = verb, verb_to
        text = verb_now_to % {"vm": vm.name, "node": node} if node else verb_now % {"vm": vm.name}
        if p.get("mode"):
            text += f" ({p['mode']})"
        return text

    return describe


_CLEANUP = gettext_lazy("clean up the migration of %(vm)s")
_CLEANUP_TO = gettext_lazy("clean up the migration of %(vm)s to %(node)s")


def _migrate(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.migrate_instance(
        name,
        mode=p.get("mode") or None,
        cleanup=p.get("cleanup") or None,
        target_node=p.get("target_node") or None,
        reason=reason or None,
    )


def _failover(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.failover_instance(
        name, target_node=p.get("target_node") or None, reason=reason or None
    )


def _reinstall(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.reinstall_instance(
        name, os=p.get("os") or None, start=p.get("start", True), reason=reason or None
    )


def _rename(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.rename_instance(
        name,
        p["new_name"],
        name_check=p.get("name_check", False),
        ip_check=p.get("ip_check", False),
        reason=reason or None,
    )


def _grow(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.grow_instance_disk(name, p["disk"], p["amount"], reason=reason or None)


register(
    Action(
        "vm.start",
        "vm",
        gettext_lazy("Start"),
        "power",
        "vm.start",
        lambda vm, p: _("start %(vm)s") % {"vm": vm.name},
        submit_with("startup_instance"),
        available=_stopped,
        section="power",
        charges=demand.start,
        prominent=True,
    ),
    Action(
        "vm.shutdown",
        "vm",
        gettext_lazy("Shut down"),
        "power",
        "vm.stop",
        _describe_shutdown,
        _shutdown,
        form=ShutdownForm,
        available=_running,
        confirm=_confirm_shutdown,
        section="power",
        prominent=True,
        destructive=True,
        warning=gettext_lazy(
            "Its programs are asked to end and it stops: what it serves is down until "
            "it is started again."
        ),
    ),
    Action(
        "vm.reboot",
        "vm",
        gettext_lazy("Reboot"),
        "power",
        "vm.reboot",
        lambda vm, p: (
            _("%(type)s reboot of %(vm)s") % {"type": p.get("reboot_type", "soft"), "vm": vm.name}
        ),
        _reboot,
        form=RebootForm,
        available=_running,
        section="power",
        prominent=True,
    ),
    Action(
        "vm.migrate",
        "vm",
        gettext_lazy("Migrate"),
        "admin",
        "vm.migrate",
        _describe_move(gettext_lazy("migrate %(vm)s"), gettext_lazy("migrate %(vm)s to %(node)s")),
        _migrate,
        form=MigrateForm,
        available=_migratable,
        section="placement",
    ),
    Action(
        "vm.failover",
        "vm",
        gettext_lazy("Fail over"),
        "admin",
        "vm.failover",
        _describe_move(
            gettext_lazy("fail over %(vm)s"), gettext_lazy("fail over %(vm)s to %(node)s")
        ),
        _failover,
        form=FailoverForm,
        available=_mirrored,
        confirm=lambda vm, p: (
            _("%(vm)s is stopped on its node and started on %(node)s: it is down meanwhile.")
            % {"vm": vm.name, "node": p.get("target_node") or _("its secondary node")}
        ),
        section="placement",
        destructive=True,
        warning=gettext_lazy(
            "It is stopped on its node and started on another: it is down meanwhile."
        ),
    ),
    Action(
        "vm.reinstall",
        "vm",
        gettext_lazy("Reinstall"),
        "modify",
        "vm.reinstall",
        lambda vm, p: (
            _("reinstall %(vm)s with %(os)s") % {"vm": vm.name, "os": p.get("os") or vm.os}
        ),
        _reinstall,
        form=ReinstallForm,
        available=present,
        confirm=lambda vm, p: (
            _(
                "%(vm)s is shut down and its operating system installed afresh "
                "(%(os)s): everything on its disks is lost."
            )
            % {"vm": vm.name, "os": p.get("os") or vm.os}
        ),
        section="system",
        charges=demand.reinstall,
        destructive=True,
        warning=gettext_lazy(
            "Its operating system is installed afresh: everything on its disks is lost."
        ),
    ),
    Action(
        "vm.rename",
        "vm",
        gettext_lazy("Rename"),
        "modify",
        "vm.rename",
        lambda vm, p: _("rename %(vm)s to %(name)s") % {"vm": vm.name, "name": p["new_name"]},
        _rename,
        form=RenameForm,
        available=_renamable,
        section="system",
    ),
    Action(
        "vm.modify",
        "vm",
        gettext_lazy("Modify"),
        "modify",
        "vm.modify",
        _describe_modify,
        _modify,
        form=ModifyForm,
        available=present,
        section="resources",
        charges=demand.modify,
    ),
    Action(
        "vm.parameters",
        "vm",
        gettext_lazy("OS and hypervisor parameters"),
        "modify",
        "vm.modify",
        _describe_parameters,
        lambda c, name, p, *, reason="": c.modify_instance(name, reason=reason or None, **p),
        form=VMParametersForm,
        available=present,
        section="resources",
        own_page="vm-parameters",
    ),
    Action(
        "vm.grow_disk",
        "vm",
        gettext_lazy("Grow disk"),
        "modify",
        "vm.modify",
        lambda vm, p: (
            _("grow disk %(disk)s of %(vm)s by %(amount)s MiB")
            % {"disk": p["disk"], "vm": vm.name, "amount": p["amount"]}
        ),
        _grow,
        form=GrowDiskForm,
        available=_has_disks,
        section="resources",
        charges=demand.grow_disk,
    ),
    tags_action("vm", "instance", lambda vm: vm.name, available=present, section="tags"),
    Action(
        "vm.remove",
        "vm",
        gettext_lazy("Delete"),
        "remove",
        "vm.remove",
        lambda vm, p: _("delete %(vm)s") % {"vm": vm.name},
        submit_with("delete_instance"),
        form=RemoveForm,
        # One gone from Ganeti is forgotten in the import tools instead.
        available=present,
        section="remove",
        destructive=True,
    ),
)
