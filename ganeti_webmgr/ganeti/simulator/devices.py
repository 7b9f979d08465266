"""OpInstanceSetParams: parameters, and disk and NIC modifications.

Disk and NIC changes are lists in either form Ganeti 3.0 accepts: ``[op, identifier,
params]`` (op ``add``/``remove``/``modify``; identifier an index, ``-1`` for the last
one, a name or a UUID) or the legacy ``[op, params]`` (``add``/``remove`` act on the
end, at most one of them; any other op is an identifier to modify). Checks and wording
follow cmdlib/instance_set_params.py and instance_utils.py, as the sandbox answers.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import Any

from .failures import OpFailure, exec_error, prereq

_NIC_FIELDS = (
    "nic.bridges",
    "nic.ips",
    "nic.links",
    "nic.macs",
    "nic.modes",
    "nic.names",
    "nic.networks",
    "nic.networks.names",
    "nic.uuids",
    "custom_nicparams",
)
_DISK_FIELDS = ("disk.names", "disk.sizes", "disk.spindles", "disk.uuids")
#: what CheckArguments counts as a change ("No changes submitted" otherwise)
_CHANGES = (
    "nics",
    "disks",
    "disk_template",
    "hvparams",
    "beparams",
    "os_name",
    "osparams",
    "runtime_mem",
    "pnode",
    "osparams_private",
)
_MAC_RE = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")
_NIC_MODES = ("bridged", "routed", "openvswitch")
_NIC_KEYS = {"ip", "bridge", "vlan", "link", "network", "mode", "name", "mac"}
_HOTPLUG_UNSUPPORTED = (
    "Hotplug is not supported: Hotplug is not supported by this hypervisor"  # fake, xen
)


def upgrade_mods(kind: str, mods: list[Any]) -> list[tuple[str, Any, dict]]:
    """The legacy two-element form as the three-element one (_UpgradeDiskNicMods)."""
    if not mods or len(mods[0]) == 3:
        return [(op, ident, dict(params or {})) for op, ident, params in mods]
    result, addremove = [], 0
    for op, params in mods:
        if op in ("add", "attach", "remove", "detach"):
            result.append((op, -1, dict(params or {})))
            addremove += 1
            if addremove > 1:
                raise prereq(
                    f"Only one {kind} add/attach/remove/detach operation is supported at a time",
                    "wrong_input",
                )
        else:
            result.append(("modify", op, dict(params or {})))
    return result


def item_index(ident: Any, kind: str, count: int, names: list, uuids: list) -> int:
    """GetItemFromContainer: an index, -1 for the last, a name or a UUID."""
    try:
        idx = int(ident)
    except (TypeError, ValueError):
        for i in range(count):
            if ident in (names[i], uuids[i]):
                return i
        raise prereq(f"Cannot find {kind} with identifier {ident}", "unknown_entity") from None
    if idx == -1:
        idx = count - 1
    elif idx < 0:
        raise exec_error("Not accepting negative indices other than -1")
    elif idx > count:
        raise exec_error(f"Got {kind} index {idx}, but there are only {count}")
    if not 0 <= idx < count:
        raise exec_error("list index out of range")  # Ganeti's IndexError, index == count
    return idx


class DevicesMixin:
    """Part of :class:`~.cluster.SimCluster`."""

    instances: dict[str, dict[str, Any]]
    networks: dict[str, dict[str, Any]]
    bridges: set[str]
    meta: dict[str, Any]

    def _op_instance_set_params(self, op: dict) -> list[list[Any]]:
        inst = self.instance(op["instance_name"])
        # Ganeti checks on copies; a refusal must leave the instance as it was.
        saved = copy.deepcopy((inst, self.meta[inst["name"]]))
        try:
            return self._set_params(op, inst)
        except OpFailure:
            inst.clear()
            inst.update(saved[0])
            self.meta[inst["name"]] = saved[1]
            raise

    def _set_params(self, op: dict, inst: dict) -> list[list[Any]]:
        if not any(op.get(k) for k in _CHANGES) and op.get("offline") is None:
            raise prereq("No changes submitted", "wrong_input")
        disk_mods = upgrade_mods("disk", op.get("disks") or [])
        nic_mods = upgrade_mods("NIC", op.get("nics") or [])
        for mods, kind in ((disk_mods, "disk"), (nic_mods, "NIC")):
            for action, _ident, params in mods:
                if action in ("remove", "detach") and params:
                    raise prereq(
                        f"No settings should be passed when removing or detaching a {kind}",
                        "wrong_input",
                    )
        hotplug = self._check_hotplug(op, inst)
        disk_mods = [(a, self._disk_lookup(inst, i), p) for a, i, p in disk_mods]
        for action, _ident, params in disk_mods:
            self._verify_disk_mod(op, inst, action, params, hotplug)
        changes = self._set_be_hv_os(op, inst)
        for action, ident, params in disk_mods:
            changes += self._apply_disk_mod(inst, action, ident, params)
        for action, ident, params in nic_mods:
            changes += self._apply_nic_mod(inst, action, ident, params)
        if not inst["nic.macs"]:
            # The default instance policy wants 1 to 8 NICs; disks have no such floor.
            raise prereq(
                "Instance allocation to group default violates policy: nic-count value 0 is"
                " not in range [1, 8]",
                "wrong_input",
            )
        self._stop_if_dry_run(op)
        if op.get("os_name"):
            inst["os"] = op["os_name"]
        self._touch(inst)
        return changes

    # -- be/hv/os parameters ----------------------------------------------------------
    def _set_be_hv_os(self, op: dict, inst: dict) -> list[list[Any]]:
        from .cluster import _coerce  # the same string-to-type rules as creation

        changes: list[list[Any]] = []
        for key, value in (op.get("beparams") or {}).items():
            if key == "memory":
                for k in ("maxmem", "minmem", "memory"):
                    inst["beparams"][k] = int(value)
                inst["custom_beparams"].update(maxmem=int(value), minmem=int(value))
            else:
                inst["beparams"][key] = value
                inst["custom_beparams"][key] = value
            changes.append([f"be/{key}", value])
        if inst["oper_state"]:
            inst["oper_vcpus"] = inst["beparams"]["vcpus"]
        hypervisor = self.meta[inst["name"]].hypervisor
        defaults = self.hv_defaults(hypervisor) if hypervisor != "fake" else {}
        for key, value in (op.get("hvparams") or {}).items():
            if key not in defaults:
                raise prereq(
                    f"Unknown hypervisor parameter '{key}' for {hypervisor}", "wrong_input"
                )
            if value == "default":  # Ganeti's way to drop an instance's own value
                inst["custom_hvparams"].pop(key, None)
                value = defaults[key]
            else:
                value = _coerce(value, defaults[key], key)
                inst["custom_hvparams"][key] = value
            inst["hvparams"][key] = value
            changes.append([f"hv/{key}", value])
        osparams = self.meta[inst["name"]].osparams
        for key, value in (op.get("osparams") or {}).items():
            if value == "default":
                osparams.pop(key, None)
            else:
                osparams[key] = str(value)
            changes.append([f"os/{key}", value])
        if op.get("os_name") and op["os_name"] not in self.os_names:
            raise prereq(f"OS '{op['os_name']}' not in supported OS list", "environment_error")
        return changes

    # -- hotplug -------------------------------------------------------------------------
    def _check_hotplug(self, op: dict, inst: dict) -> bool:
        if not (op.get("hotplug") or op.get("hotplug_if_possible")):
            return False
        if self.meta[inst["name"]].hypervisor == "kvm":
            return True
        if op.get("hotplug"):
            raise prereq(
                f"Hotplug is not possible: {_HOTPLUG_UNSUPPORTED}: {_HOTPLUG_UNSUPPORTED}",
                "wrong_state",
            )
        self.log_warning(_HOTPLUG_UNSUPPORTED)
        self.log_info("Modification will take place without hotplugging.")
        return False

    # -- disks -------------------------------------------------------------------------
    def _disk_lookup(self, inst: dict, ident: Any) -> Any:
        """_LookupDiskIndex: names and UUIDs become indices before anything else."""
        try:
            return int(ident)
        except (TypeError, ValueError):
            pass
        for i, (name, disk_uuid) in enumerate(
            zip(inst["disk.names"], inst["disk.uuids"], strict=True)
        ):
            if ident in (name, disk_uuid):
                return i
        raise prereq(f"Lookup of disk {ident!r} failed", None)

    def _verify_disk_mod(
        self, op: dict, inst: dict, action: str, params: dict, hotplug: bool
    ) -> None:
        if action == "add":
            template = params.get("dev_type", inst["disk_template"])
            if template == "diskless":
                raise prereq("Must specify disk type on diskless instance", "wrong_input")
            if params.get("mode", "rw") not in ("rw", "ro"):
                raise prereq(f"Invalid disk access mode '{params['mode']}'", "wrong_input")
            if params.get("size") is None:
                raise prereq("Required disk parameter 'size' missing", "wrong_input")
        elif action == "modify":
            if "size" in params:
                raise prereq("Disk size change not possible, use grow-disk", "wrong_input")
            unknown = set(params) - {"name", "mode"}
            if unknown:
                raise OpFailure("TypeEnforcementError", f"Unknown parameter '{sorted(unknown)[0]}'")
        elif action == "remove" and not hotplug and inst["admin_state"] == "up":
            raise prereq(
                f"Instance '{inst['name']}' is marked to be up, can't remove volume from a"
                " running instance without using hotplug",
                "wrong_state",
            )
        elif action in ("attach", "detach"):
            raise exec_error(f"Disk {action} is not simulated")

    def _apply_disk_mod(self, inst: dict, action: str, ident: Any, params: dict) -> list:
        count = len(inst["disk.sizes"])
        if action == "add":
            idx = count if int(ident) == -1 else int(ident)
            size = int(params["size"])
            for field, value in zip(
                _DISK_FIELDS, (params.get("name"), size, None, self._uuid()), strict=True
            ):
                inst[field].insert(idx, value)
            self._disks_changed(inst)
            return [[f"disk/{idx}", f"add:size={size},mode={params.get('mode', 'rw')}"]]
        idx = item_index(ident, "disk", count, inst["disk.names"], inst["disk.uuids"])
        if action == "remove":
            for field in _DISK_FIELDS:
                inst[field].pop(idx)
            self._disks_changed(inst)
            return [[f"disk/{idx}", "remove"]]
        changes = []
        if "name" in params:
            name = None if str(params["name"]).lower() == "none" else params["name"]
            inst["disk.names"][idx] = name
            changes.append([f"disk.name/{idx}", name])
        if "mode" in params:
            changes.append([f"disk.mode/{idx}", params["mode"]])
        return changes

    def _disks_changed(self, inst: dict) -> None:
        inst["disk_usage"] = sum(inst["disk.sizes"])
        if not inst["disk.sizes"]:
            # Ganeti 3.0 derives the template from the disks: none left is diskless,
            # and a diskless instance gets no disk back ("Must specify disk type").
            inst["disk_template"] = "diskless"

    # -- NICs --------------------------------------------------------------------------
    def _apply_nic_mod(self, inst: dict, action: str, ident: Any, params: dict) -> list:
        count = len(inst["nic.macs"])
        if action in ("attach", "detach"):
            raise prereq(
                f"{action.capitalize()} operation is not supported for NICs", "wrong_input"
            )
        unknown = set(params) - _NIC_KEYS
        if unknown:
            raise OpFailure("TypeEnforcementError", f"Unknown parameter '{sorted(unknown)[0]}'")
        if action == "add":
            idx = count if int(ident) == -1 else int(ident)
            nic = self._nic_values(inst, None, params, adding=True)
            for field in _NIC_FIELDS:
                inst[field].insert(idx, nic[field])
            return [
                [
                    f"nic.{idx}",
                    f"add:mac={nic['nic.macs']},ip={nic['nic.ips']},mode={nic['nic.modes']},"
                    f"link={nic['nic.links']},network={nic['nic.networks.names']}",
                ]
            ]
        idx = item_index(ident, "NIC", count, inst["nic.names"], inst["nic.uuids"])
        if action == "remove":
            for field in _NIC_FIELDS:
                inst[field].pop(idx)
            return [[f"NIC/{idx}", "remove"]]
        nic = self._nic_values(inst, idx, params, adding=False)
        changes: list[list[Any]] = []
        for key, field in (("mac", "nic.macs"), ("ip", "nic.ips"), ("name", "nic.names")):
            if key in params:
                changes.append([f"nic.{key}/{idx}", nic[field]])
        if nic["nic.networks"] != inst["nic.networks"][idx]:
            changes.append([f"nic.network/{idx}", nic["nic.networks.names"]])
        for field in _NIC_FIELDS:
            inst[field][idx] = nic[field]
        changes += [
            [f"nic.link/{idx}", nic["nic.links"]],
            [f"nic.mode/{idx}", nic["nic.modes"]],
            [f"nic.vlan/{idx}", ""],
        ]
        return changes

    def _nic_values(self, inst: dict, idx: int | None, params: dict, adding: bool) -> dict:
        """_PrepareNicModification: the NIC's new fields, or Ganeti's refusal."""
        old = {f: (inst[f][idx] if idx is not None else None) for f in _NIC_FIELDS}
        network = params.get("network", old["nic.networks.names"])
        if isinstance(network, str) and network.lower() == "none":
            network = None
        if network is not None and "network" in params and ("mode" in params or "link" in params):
            raise prereq("If network is given mode or link should not", "wrong_input")
        net = None
        if network is not None:
            net = self.networks.get(network)
            if net is None:
                raise prereq(f"Network '{network}' not found", "unknown_entity")
        ip = params.get("ip", old["nic.ips"])
        if isinstance(ip, str) and ip.lower() == "none":
            ip = None
        elif isinstance(ip, str) and ip.lower() == "pool":
            if net is None:
                raise prereq("If ip=pool, parameter network cannot be none", "wrong_input")
        elif ip is not None:
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                raise prereq(f"Invalid IP address '{ip}'", "wrong_input") from None
        mode = params.get("mode", old["nic.modes"] or "bridged")
        link = params.get("link", old["nic.links"] or "br0")
        if idx is not None and old["nic.networks"] and ("mode" in params or "link" in params):
            raise prereq(
                "Not allowed to change link or mode of a NIC that is connected to a network",
                "wrong_input",
            )
        if mode not in _NIC_MODES:
            raise OpFailure("ConfigurationError", f"Invalid NIC mode '{mode}'")
        if mode == "bridged" and link not in self.bridges and net is None:
            raise prereq(
                f"Error checking bridges on node '{inst['pnode']}': Missing bridges {link}",
                "environment_error",
            )
        if mode == "routed" and ip is None and net is None:
            raise prereq(
                "Cannot set the NIC IP address to None on a routed NIC if not attached to a"
                " network",
                "wrong_input",
            )
        mac = params.get("mac", old["nic.macs"])
        if "mac" in params:
            mac = str(mac).lower()
            if mac == "auto" and not adding:
                raise prereq(
                    "'auto' is not a valid MAC address when modifying an existing NIC",
                    "wrong_input",
                )
            if mac in ("auto", "generate"):
                mac = self._next_mac()
            elif not _MAC_RE.match(mac):
                raise prereq(f"Invalid MAC address '{params['mac']}'", "wrong_input")
            elif any(mac in i["nic.macs"] for i in self.instances.values()):
                raise prereq(
                    f"MAC address '{mac}' already in use in cluster", "resource_not_unique"
                )
        elif mac is None:
            mac = self._next_mac()
        if net is not None and isinstance(ip, str) and ip.lower() == "pool":
            ip = self._free_ip(net)
            self.log_info(f"Chose IP {ip} from network {network}")
        return {
            "nic.bridges": link if mode == "bridged" else None,
            "nic.ips": ip,
            "nic.links": link,
            "nic.macs": mac,
            "nic.modes": mode,
            "nic.names": params.get("name", old["nic.names"]),
            "nic.networks": net["uuid"] if net else None,
            "nic.networks.names": network,
            "nic.uuids": old["nic.uuids"] or self._uuid(),
            "custom_nicparams": {"mode": mode, "link": link, "vlan": ""},
        }

    def _free_ip(self, net: dict) -> str:
        used = {ip for i in self.instances.values() for ip in i["nic.ips"] if ip}
        for host in ipaddress.ip_network(net["network"]).hosts():
            if str(host) not in used and str(host) != net.get("gateway"):
                return str(host)
        raise prereq("Unable to get a free IP from the address pool", "wrong_state")
