"""Opcodes that move or copy instances: migrate, failover, node evacuate and migrate,
replace-disks, export, rename.

The checks, their order and their wording are Ganeti 3.0's (cmdlib/instance_migration.py,
node.py, instance_storage.py, backup.py, instance.py), confirmed against the sandbox
where one node allows it (docs/developer/ganeti-client.rst lists the texts).
"""

from __future__ import annotations

from typing import Any

from .failures import DryRunStop, OpFailure, exec_error, prereq

#: disks Ganeti can migrate or fail over (constants.DTS_MIRRORED)
MIRRORED = ("diskless", "drbd", "sharedfile", "rbd", "ext", "blockdev", "gluster")
#: externally mirrored: any node can take over, so a target or an iallocator is needed
EXT_MIRRORED = ("diskless", "sharedfile", "rbd", "ext", "blockdev", "gluster")
#: templates whose disks can be snapshotted for a live export (LVM-based)
SNAPSHOTTABLE = ("plain", "drbd")
NO_GOOD_NODE = "Can't find any good node: "


def nice_sort(names: list[str]) -> list[str]:
    # utils.NiceSort: digits compare as numbers (inst2 before inst10).
    import re

    def key(name: str) -> list[Any]:
        return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]

    return sorted(names, key=key)


class MovesMixin:
    """Part of :class:`~.cluster.SimCluster`; uses its state and helpers."""

    instances: dict[str, dict[str, Any]]
    nodes: dict[str, dict[str, Any]]
    exports: dict[str, list[str]]
    hosts: dict[str, str]
    meta: dict[str, Any]
    _info: dict[str, Any]

    # -- shared checks ----------------------------------------------------------
    def _stop_if_dry_run(self, op: dict) -> None:
        """The end of CheckPrereq: a dry run returns here, before anything is done."""
        if op.get("dry_run"):
            raise DryRunStop

    def _check_one_of(self, op: dict, node_slot: str) -> str | None:
        """common.CheckIAllocatorOrNode: the iallocator to use, or None for the node."""
        if op.get(node_slot) and op.get("iallocator"):
            raise prereq("Do not specify both, iallocator and node", "wrong_input")
        if op.get(node_slot):
            return None
        ialloc = op.get("iallocator")
        if ialloc in (None, "."):
            ialloc = self._info.get("default_iallocator")
            if not ialloc:
                raise prereq(
                    "No iallocator or node given and no cluster-wide default iallocator "
                    "found; please specify either an iallocator or a node, or set a "
                    "cluster-wide default iallocator",
                    "wrong_input",
                )
        return ialloc

    def _allocate(self, ialloc: str, exclude: set[str]) -> str | None:
        """What hail picks: the online, undrained node with fewest primaries, if any."""
        candidates = [
            n
            for n in self.nodes.values()
            if n["name"] not in exclude and not n["offline"] and not n["drained"]
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda n: n["pinst_cnt"])["name"]

    def _relink(self, inst: dict, pnode: str, snodes: list[str]) -> None:
        self._unlink(inst)
        inst["pnode"], inst["snodes"] = pnode, snodes
        self._link(inst)
        self._touch(inst)

    # -- migrate and failover --------------------------------------------------------
    def _migration_target(self, op: dict, inst: dict, failover: bool) -> str:
        """TLMigrateInstance.CheckPrereq: where the instance goes, or Ganeti's refusal."""
        template = inst["disk_template"]
        if template not in MIRRORED:
            text = "failovers" if failover else "migrations"
            raise prereq(
                f"Instance's disk layout '{template}' does not allow {text}", "wrong_state"
            )
        if template in EXT_MIRRORED:
            ialloc = self._check_one_of(op, "target_node")
            if ialloc:
                target = self._allocate(ialloc, {inst["pnode"]})
                if target is None:
                    raise prereq(
                        f"Can't compute nodes using iallocator '{ialloc}': Request failed: "
                        + NO_GOOD_NODE,
                        "insufficient_resources",
                    )
            else:
                target = op["target_node"]
            if target == inst["pnode"]:
                raise prereq(
                    f"Cannot migrate instance {inst['name']} to its primary ({inst['pnode']})",
                    "wrong_state",
                )
            return target
        # drbd: the secondary is the only place to go
        if len(inst["snodes"]) != 1:
            raise OpFailure(
                "ConfigurationError", f"No secondary node but using {template} disk types"
            )
        secondary = inst["snodes"][0]
        if op.get("iallocator") or (op.get("target_node") and op["target_node"] != secondary):
            text = "failed over" if failover else "migrated"
            raise prereq(
                f"Instances with disk types {template} cannot be {text} to arbitrary nodes"
                " (neither an iallocator nor a target node can be passed)",
                "wrong_input",
            )
        return secondary

    def _migrate_or_failover(self, op: dict, failover: bool) -> None:
        if op.get("target_node"):
            self.node(op["target_node"])
        inst = self.instance(op["instance_name"])
        if (
            not failover
            and not op.get("cleanup")
            and inst["admin_state"] != "up"
            and op.get("allow_failover")
        ):
            self.log_info(
                "Instance is marked down or offline, fallback allowed, switching to failover"
            )
            failover = True
        target = self._migration_target(op, inst, failover)
        self._stop_if_dry_run(op)
        if inst["disk_template"] == "drbd":
            self._relink(inst, target, [inst["pnode"]])
        else:
            self._relink(inst, target, [])

    def _op_instance_migrate(self, op: dict) -> None:
        self._migrate_or_failover(op, failover=False)

    def _op_instance_failover(self, op: dict) -> None:
        self._migrate_or_failover(op, failover=True)

    # -- node evacuate and migrate -----------------------------------------------------
    def _op_node_evacuate(self, op: dict) -> dict[str, Any]:
        """LUNodeEvacuate; a dry run ends after the log line naming the instances."""
        ialloc = self._check_one_of(op, "remote_node")
        name = self.node(op["node_name"])["name"]
        remote = op.get("remote_node")
        mode = op["mode"]
        if remote is not None:
            self.node(remote)
            if remote == name:
                raise prereq("Can not use evacuated node as a new secondary node", "wrong_input")
            if mode != "secondary-only":
                raise prereq(
                    "Without the use of an iallocator only secondary instances can be evacuated",
                    "wrong_input",
                )
        if mode == "all":
            raise prereq(
                "Due to an issue with the iallocator interface it is not possible to evacuate"
                " all instances at once; specify explicitly whether to evacuate primary or"
                " secondary instances",
                "wrong_input",
            )
        node = self.nodes[name]
        names = list(node["pinst_list"] if mode == "primary-only" else node["sinst_list"])
        if names:
            self.log_info(f"Evacuating instances from node '{name}': {', '.join(nice_sort(names))}")
        else:
            self.log_info(f"No instances to evacuate from node '{name}'")
        if remote is not None:
            for n in names:
                if self.instances[n]["pnode"] == remote:
                    raise prereq(
                        f"Node {remote} is the primary node of instance {n}, cannot use it as"
                        " secondary",
                        "wrong_input",
                    )
        self._stop_if_dry_run(op)
        if not names:
            return {"jobs": []}
        if remote is not None:
            jobs = [[self._replace_secondary_op(n, remote, op)] for n in names]
            return {"jobs": [], "_jobs": jobs}
        return {"jobs": [], "_jobs": self._evacuation_plan(name, names, mode, ialloc or "", op)}

    def _replace_secondary_op(self, inst_name: str, remote: str, op: dict) -> dict[str, Any]:
        return {
            "OP_ID": "OP_INSTANCE_REPLACE_DISKS",
            "instance_name": inst_name,
            "remote_node": remote,
            "disks": [],
            "mode": "replace_new_secondary",
            "early_release": bool(op.get("early_release")),
        }

    def _evacuation_plan(
        self, node: str, names: list[str], mode: str, ialloc: str, op: dict
    ) -> list[list[dict[str, Any]]]:
        """What hail's node-evacuation answers: one job per instance, or the failures."""
        failed_type, failed_room, moved, jobs = [], [], [], []
        for n in names:
            inst = self.instances[n]
            template = inst["disk_template"]
            if mode == "primary-only":
                if template not in MIRRORED:
                    failed_type.append(f"{n} (Instances of type {template} cannot be relocated)")
                    continue
                target = (
                    inst["snodes"][0]
                    if template == "drbd" and inst["snodes"]
                    else self._allocate(ialloc, {node})
                )
                if target is None:
                    failed_room.append(f"{n} ({NO_GOOD_NODE})")
                    continue
                kind = "OP_INSTANCE_MIGRATE" if inst["oper_state"] else "OP_INSTANCE_FAILOVER"
                move: dict[str, Any] = {"OP_ID": kind, "instance_name": n}
                if template != "drbd":
                    move["target_node"] = target
                jobs.append([move])
            else:
                target = self._allocate(ialloc, {node, inst["pnode"]})
                if target is None:
                    failed_room.append(f"{n} ({NO_GOOD_NODE})")
                    continue
                jobs.append([self._replace_secondary_op(n, target, op)])
            moved.append(f"{n} (to {target})")
        failed = failed_type + failed_room
        if failed:
            text = ", ".join(failed)
            self.log_warning(f"Unable to evacuate instances {text}")
            raise exec_error(f"Unable to evacuate instances {text}")
        self.log_info(f"Instances to be moved: {', '.join(moved)}")
        return jobs

    def _op_node_migrate(self, op: dict) -> dict[str, Any]:
        """LUNodeMigrate: one OpInstanceMigrate job per primary instance, running or not."""
        name = self.node(op["node_name"])["name"]
        if op.get("target_node"):
            self.node(op["target_node"])
        self._stop_if_dry_run(op)
        jobs = []
        for n in self.nodes[name]["pinst_list"]:
            migrate = {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": n}
            for key in ("mode", "live", "iallocator", "target_node", "ignore_ipolicy"):
                if op.get(key) is not None:
                    migrate[key] = op[key]
            jobs.append([migrate])
        return {"jobs": [], "_jobs": jobs}

    # -- replace disks -------------------------------------------------------------------
    def _op_instance_replace_disks(self, op: dict) -> None:
        mode = op.get("mode")
        if mode not in (
            "replace_on_primary",
            "replace_on_secondary",
            "replace_new_secondary",
            "replace_auto",
        ):
            raise prereq(f"Invalid replace mode {mode!r}", "wrong_input")
        remote, ialloc = op.get("remote_node"), op.get("iallocator")
        if mode == "replace_new_secondary":
            if remote is None and ialloc is None:
                raise prereq(
                    "When changing the secondary either an iallocator script must be used or"
                    " the new node given",
                    "wrong_input",
                )
            ialloc = self._check_one_of(op, "remote_node")
        elif remote is not None or ialloc is not None:
            raise prereq(
                "The iallocator and new node options can only be used when changing the"
                " secondary node",
                "wrong_input",
            )
        if remote is not None:
            self.node(remote)
        inst = self.instance(op["instance_name"])
        if len(inst["snodes"]) != 1:
            raise prereq(
                "The instance has a strange layout, expected one secondary but found"
                f" {len(inst['snodes'])}",
                "internal_error",
            )
        secondary = inst["snodes"][0]
        if ialloc:
            remote = self._allocate(ialloc, {inst["pnode"], secondary})
            if remote is None:
                raise prereq(
                    f"Can't compute nodes using iallocator '{ialloc}': " + NO_GOOD_NODE,
                    "insufficient_resources",
                )
            self.log_info(f"Selected new secondary for instance '{inst['name']}': {remote}")
        if remote == inst["pnode"]:
            raise prereq("The specified node is the primary node of the instance", "wrong_input")
        if remote == secondary:
            raise prereq(
                "The specified node is already the secondary node of the instance", "wrong_input"
            )
        if op.get("disks") and mode in ("replace_auto", "replace_new_secondary"):
            raise prereq("Cannot specify disks to be replaced", "wrong_input")
        active = inst["oper_state"] or self.meta[inst["name"]].disks_active
        if mode == "replace_auto" and not active:
            raise prereq(
                f"Please run activate-disks on instance {inst['name']} first", "wrong_state"
            )
        if not inst["disk.sizes"] or inst["disk_template"] != "drbd":
            raise prereq("Can only run replace disks for DRBD8-based instances", "wrong_input")
        for index in op.get("disks") or []:
            if not 0 <= int(index) < len(inst["disk.sizes"]):
                raise prereq(f"Invalid disk index: {index}", "wrong_input")
        self._stop_if_dry_run(op)
        if mode == "replace_new_secondary":
            self._relink(inst, inst["pnode"], [remote])
        else:
            self._touch(inst)

    # -- export -----------------------------------------------------------------------
    def _op_backup_export(self, op: dict) -> list[Any]:
        """LUBackupExport (local mode): the result is ``[finalized, [ok per disk]]``."""
        mode = op.get("mode") or "local"
        inst = self.instance(op["instance_name"])
        if mode == "remote":
            if not op.get("x509_key_name"):
                raise prereq("Missing X509 key name for encryption", "wrong_input")
            raise exec_error("Remote exports are not simulated")
        target = self.node(op["target_node"])["name"]
        shutdown = op.get("shutdown", True)
        if op.get("long_sleep") and not shutdown:
            raise prereq(
                "The long sleep option only makes sense when the instance can be shut down.",
                "wrong_input",
            )
        if op.get("remove_instance") and inst["admin_state"] == "up" and not shutdown:
            raise prereq("Can not remove instance without shutting it down before", "wrong_state")
        self._stop_if_dry_run(op)
        name = inst["name"]
        if shutdown:
            self.feedback(f"Shutting down instance {name}")
            self._set_running(inst, False)
        was_up = inst["admin_state"] == "up"
        try_snapshot = not op.get("remove_instance") and was_up
        reboot = shutdown and was_up and not op.get("remove_instance")
        if try_snapshot and inst["disk_template"] not in SNAPSHOTTABLE:
            # Ganeti leaves the instance shut down here (status ERROR_down).
            if not shutdown:
                raise exec_error(
                    "Not all disks could be snapshotted, and you requested a live export; aborting"
                )
            if not op.get("long_sleep"):
                raise exec_error(
                    "Not all disks could be snapshotted, and you did not allow the instance"
                    " to remain offline for a longer time through the --long-sleep option;"
                    " aborting"
                )
        for i in range(len(inst["disk.sizes"])):
            self.feedback(f"Exporting disk/{i} from {inst['pnode']} to {target}")
        self.feedback(f"Finalizing export on {target}")
        if reboot:
            self.feedback(f"Starting instance {name}")
            self._set_running(inst, True)
        if not inst["disk.sizes"]:
            # What Ganeti 3.0 does with a diskless instance: the export directory
            # is never created, so finalizing it fails.
            self.log_warning(f"Could not finalize export for instance {name} on node {target}")
            raise exec_error("Export failed, errors in export finalization")
        for node, names in self.exports.items():  # older exports elsewhere are removed
            if name in names and node != target:
                names.remove(name)
        if name not in self.exports.setdefault(target, []):
            self.exports[target].append(name)
        if op.get("remove_instance"):
            self.feedback(f"Removing instance {name}")
            self._op_instance_remove({"instance_name": name})
        return [True, [True] * len(inst["disk.sizes"])]

    def query_exports(self, fields: list[str]) -> dict[str, Any]:
        """``/2/query/export``: a row per export, or a no-data row for a node without any."""
        known = {
            "node": {"name": "node", "title": "Node", "kind": "text", "doc": "Node name"},
            "export": {"name": "export", "title": "Export", "kind": "text", "doc": "Export name"},
        }
        rows = []
        for node in self.nodes:
            names = sorted(self.exports.get(node, []))
            for export in names or [None]:
                values = {"node": (0, node), "export": (0, export) if export else (2, None)}
                rows.append([list(values.get(f, (1, None))) for f in fields])
        descr = [
            known.get(f, {"name": f, "title": f, "kind": "unknown", "doc": "Unknown field"})
            for f in fields
        ]
        return {"data": rows, "fields": descr}

    # -- rename -------------------------------------------------------------------------
    def _op_instance_rename(self, op: dict) -> str:
        name_check, ip_check = op.get("name_check", True), op.get("ip_check", True)
        if ip_check and not name_check:
            raise prereq("IP address check requires a name check", "wrong_input")
        inst = self.instance(op["instance_name"])
        new = op["new_name"]
        if name_check:
            ip = self.hosts.get(new)
            if ip is None:
                # The resolver's own words follow the colon; these are the sandbox's.
                raise prereq(
                    f"The given name ({new}) does not resolve: Temporary failure in name"
                    " resolution",
                    "resolver_error",
                )
            if ip_check and ip in {n["pip"] for n in self.nodes.values()}:
                raise prereq(f"IP {ip} of instance {new} already in use", "resource_not_unique")
        if new != inst["name"] and new in self.instances:
            raise prereq(f"Instance '{new}' is already in the cluster", "already_exists")
        if inst["admin_state"] == "up":
            raise prereq(
                f"Instance '{inst['name']}' is marked to be up, cannot rename", "wrong_state"
            )
        self._stop_if_dry_run(op)
        self._unlink(inst)
        del self.instances[inst["name"]]
        self.meta[new] = self.meta.pop(inst["name"])
        inst["name"] = new
        self.instances[new] = inst
        self._link(inst)
        self._touch(inst)
        return new
