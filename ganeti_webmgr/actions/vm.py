"""What may be done to a VM: power, migration, reinstall, rename, changes, tags, delete.

Availability follows Ganeti's own rules, so that GWM offers only what Ganeti will
do: start a stopped VM, stop or reboot a running one, rename a stopped one, migrate
or fail over only disk templates that have a second copy or shared storage.
"""

from __future__ import annotations

from django import forms

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
        return "it is gone from Ganeti"
    return ""


def _stopped(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    if vm.running:
        return "it is running"
    if vm.admin_state == "offline":
        return "it is marked offline in Ganeti"
    return ""


def _running(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    return "" if vm.running else "it is not running"


def _mirrored(vm: VirtualMachine) -> str:
    if why := present(vm):
        return why
    if vm.disk_template not in MIRRORED:
        return (
            f"its disk template ({vm.disk_template or 'unknown'}) has no second copy "
            "and no shared storage"
        )
    if vm.disk_template in EXTERNALLY_MIRRORED and not other_nodes(vm):
        return "there is no other node to move it to"
    return ""


def _migratable(vm: VirtualMachine) -> str:
    return _mirrored(vm) or _running(vm)


def _renamable(vm: VirtualMachine) -> str:
    if vm.running:
        return "Ganeti renames only stopped VMs: shut it down first"
    return _stopped(vm)


def _has_disks(vm: VirtualMachine) -> str:
    return present(vm) or ("" if vm.disk_count else "it has no disks")


# -- forms -------------------------------------------------------------------------------
class ShutdownForm(ActionForm):
    timeout = forms.IntegerField(
        label="Timeout (s)",
        required=False,
        min_value=0,
        max_value=3600,
        initial=120,
        help_text="How long Ganeti waits for a clean shutdown before it pulls the plug; "
        "0 powers it off at once.",
    )


class RebootForm(ActionForm):
    reboot_type = forms.ChoiceField(
        label="Reboot",
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

    target_node = forms.ChoiceField(label="To node", required=False)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        if target.disk_template in EXTERNALLY_MIRRORED:
            allocator = (target.cluster.info or {}).get("default_iallocator") or ""
            choices = other_nodes(target)
            if allocator:
                choices = [("", f"chosen by {allocator}"), *choices]
            self.fields["target_node"].choices = choices
            self.fields["target_node"].required = not allocator
        else:
            del self.fields["target_node"]  # DRBD goes to its secondary node


class MigrateForm(_MoveForm):
    mode = forms.ChoiceField(
        label="Mode",
        required=False,
        choices=[("", "cluster default"), ("live", "live"), ("non-live", "non-live")],
    )
    cleanup = forms.BooleanField(label="Clean up a failed migration", required=False)


class FailoverForm(_MoveForm):
    pass


class ReinstallForm(ActionForm):
    os = forms.ChoiceField(label="Operating system")
    start = forms.BooleanField(label="Start it afterwards", required=False, initial=True)

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
    new_name = forms.CharField(label="New name", max_length=253, strip=True)
    name_check = forms.BooleanField(
        label="Check that the new name resolves", required=False, initial=True
    )
    ip_check = forms.BooleanField(
        label="Check that its address is not in use (needs the name check)", required=False
    )

    def clean_new_name(self):
        name = ganeti_name(self.cleaned_data["new_name"])
        if name == self.target.name:
            raise forms.ValidationError("That is its name already.")
        taken = VirtualMachine.objects.filter(cluster_id=self.target.cluster_id, name=name)
        if taken.exists():
            raise forms.ValidationError(f"{name} exists already in this cluster.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("ip_check") and not data.get("name_check"):
            self.add_error("ip_check", "Ganeti checks the address only with the name check.")
        return data

    def params(self):
        data = self.cleaned_data
        return {
            "new_name": data["new_name"],
            "name_check": data["name_check"],
            "ip_check": data["ip_check"],
        }


def _mib(label: str, required: bool = False, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=1, max_value=MAX_MIB, **kwargs
    )


class ModifyForm(ActionForm):
    """Memory, vCPUs, a card or disk more or less: only what differs from what GWM
    showed is sent, and nothing if Ganeti changed the VM since the page was shown."""

    maxmem = _mib("Memory (MiB)")
    minmem = _mib("Minimum memory (MiB)")
    vcpus = forms.IntegerField(label="vCPUs", required=False, min_value=1, max_value=1024)
    add_nic = forms.BooleanField(label="Add a network card", required=False)
    nic_link = forms.CharField(label="on link", required=False, max_length=64)
    nic_mode = forms.ChoiceField(
        label="mode",
        required=False,
        choices=[
            ("", "cluster default"),
            ("bridged", "bridged"),
            ("routed", "routed"),
            ("openvswitch", "openvswitch"),
        ],
    )
    remove_nic = forms.BooleanField(label="Remove the last network card", required=False)
    add_disk = _mib("Add a disk of (MiB)")
    # Ganeti's serial number of the VM as the form showed it.
    serial_no = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["maxmem"].initial = target.memory
        self.fields["minmem"].initial = target.minmem
        self.fields["vcpus"].initial = target.vcpus
        self.fields["serial_no"].initial = target.serial_no
        if target.nic_macs:
            self.fields["remove_nic"].label += f" ({target.nic_macs[-1]})"
        else:
            del self.fields["remove_nic"]

    CURRENT = {"maxmem": "memory", "minmem": "minmem", "vcpus": "vcpus"}

    def clean(self):
        data = super().clean()
        vm = self.target
        seen = data.get("serial_no")
        if seen is not None and vm.serial_no is not None and seen != vm.serial_no:
            now = f"memory {vm.memory} MiB, minimum {vm.minmem} MiB, {vm.vcpus} vCPUs"
            raise forms.ValidationError(
                f"{vm.name} was changed in Ganeti after this page was shown (now: {now}). "
                "Nothing was sent; check the values and submit again."
            )
        maxmem = data.get("maxmem") or vm.memory
        minmem = data.get("minmem") or vm.minmem
        if maxmem and minmem and minmem > maxmem:
            self.add_error("minmem", f"May not exceed the memory ({maxmem} MiB).")
        if data.get("add_nic") and data.get("remove_nic"):
            self.add_error(
                "remove_nic", "Add a network card or remove one, not both at once (Ganeti's rule)."
            )
        if (data.get("nic_link") or data.get("nic_mode")) and not data.get("add_nic"):
            self.add_error("add_nic", "Tick it to add the card the link and mode are for.")
        if not self.errors and not self.params():
            raise forms.ValidationError("Nothing to change: the values are what Ganeti has.")
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
    disk = forms.TypedChoiceField(label="Disk", coerce=int)
    amount = _mib("Grow by (MiB)", required=True)

    def __init__(self, target, *args, **kwargs):
        super().__init__(target, *args, **kwargs)
        self.fields["disk"].choices = [(i, f"disk {i}") for i in range(target.disk_count)]


class RemoveForm(ActionForm):
    confirm_name = forms.CharField(
        label="Type the VM's name to delete it",
        max_length=253,
        help_text="Ganeti deletes it with all its disks; this cannot be undone.",
    )

    def clean_confirm_name(self):
        if self.cleaned_data["confirm_name"].strip() != self.target.name:
            raise forms.ValidationError(f"Type {self.target.name} exactly.")
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
        parts.append("add a network card" + (f" on {link}" if link else ""))
    if p.get("remove_nic"):
        parts.append("remove the last network card")
    if p.get("add_disk"):
        parts.append(f"add a {p['add_disk']} MiB disk")
    return f"modify {vm.name}: {', '.join(parts)}"


def _describe_parameters(vm, p) -> str:
    parts = []
    if p.get("os_name"):
        parts.append(f"OS {p['os_name']}")
    for kind, label in (("osparams", "OS parameter"), ("hvparams", "hypervisor parameter")):
        for key, value in sorted((p.get(kind) or {}).items()):
            parts.append(f"{label} {key} reset" if value == "default" else f"{label} {key}={value}")
    return f"modify {vm.name}: {', '.join(parts)}"


def _shutdown(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.shutdown_instance(name, timeout=p.get("timeout"), reason=reason or None)


def _reboot(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    return client.reboot_instance(
        name, reboot_type=p.get("reboot_type", "soft"), reason=reason or None
    )


def _describe_shutdown(vm, p) -> str:
    timeout = p.get("timeout")
    if timeout == 0:
        return f"power off {vm.name} at once"
    return f"shut down {vm.name}" + (f" (timeout {timeout} s)" if timeout is not None else "")


def _confirm_shutdown(vm, p) -> str | None:
    if p.get("timeout") == 0:
        return (
            f"{vm.name} is powered off at once, as if its power cord were pulled: "
            "its programs get no chance to save anything."
        )
    return None


def _describe_move(verb: str):
    def describe(vm, p) -> str:
        text = f"{verb} {vm.name}"
        if p.get("cleanup"):
            text = f"clean up the migration of {vm.name}"
        if p.get("target_node"):
            text += f" to {p['target_node']}"
        if p.get("mode"):
            text += f" ({p['mode']})"
        return text

    return describe


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
        "Start",
        "power",
        "vm.start",
        lambda vm, p: f"start {vm.name}",
        submit_with("startup_instance"),
        available=_stopped,
        section="power",
        charges=demand.start,
    ),
    Action(
        "vm.shutdown",
        "vm",
        "Shut down",
        "power",
        "vm.stop",
        _describe_shutdown,
        _shutdown,
        form=ShutdownForm,
        available=_running,
        confirm=_confirm_shutdown,
        section="power",
    ),
    Action(
        "vm.reboot",
        "vm",
        "Reboot",
        "power",
        "vm.reboot",
        lambda vm, p: f"{p.get('reboot_type', 'soft')} reboot of {vm.name}",
        _reboot,
        form=RebootForm,
        available=_running,
        section="power",
    ),
    Action(
        "vm.migrate",
        "vm",
        "Migrate",
        "admin",
        "vm.migrate",
        _describe_move("migrate"),
        _migrate,
        form=MigrateForm,
        available=_migratable,
        section="placement",
    ),
    Action(
        "vm.failover",
        "vm",
        "Fail over",
        "admin",
        "vm.failover",
        _describe_move("fail over"),
        _failover,
        form=FailoverForm,
        available=_mirrored,
        confirm=lambda vm, p: (
            f"{vm.name} is stopped on its node and started on "
            f"{p.get('target_node') or 'its secondary node'}: it is down meanwhile."
        ),
        section="placement",
    ),
    Action(
        "vm.reinstall",
        "vm",
        "Reinstall",
        "modify",
        "vm.reinstall",
        lambda vm, p: f"reinstall {vm.name} with {p.get('os') or vm.os}",
        _reinstall,
        form=ReinstallForm,
        available=present,
        confirm=lambda vm, p: (
            f"{vm.name} is shut down and its operating system installed afresh "
            f"({p.get('os') or vm.os}): everything on its disks is lost."
        ),
        section="system",
        charges=demand.reinstall,
    ),
    Action(
        "vm.rename",
        "vm",
        "Rename",
        "modify",
        "vm.rename",
        lambda vm, p: f"rename {vm.name} to {p['new_name']}",
        _rename,
        form=RenameForm,
        available=_renamable,
        section="system",
    ),
    Action(
        "vm.modify",
        "vm",
        "Modify",
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
        "OS and hypervisor parameters",
        "modify",
        "vm.modify",
        _describe_parameters,
        lambda c, name, p, *, reason="": c.modify_instance(name, reason=reason or None, **p),
        form=VMParametersForm,
        available=present,
        section="",  # its own page
    ),
    Action(
        "vm.grow_disk",
        "vm",
        "Grow disk",
        "modify",
        "vm.modify",
        lambda vm, p: f"grow disk {p['disk']} of {vm.name} by {p['amount']} MiB",
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
        "Delete",
        "remove",
        "vm.remove",
        lambda vm, p: f"delete {vm.name}",
        submit_with("delete_instance"),
        form=RemoveForm,
        # One gone from Ganeti is forgotten in the import tools instead.
        available=present,
        section="remove",
    ),
)
