"""In-memory state of one simulated Ganeti cluster, and what opcodes do to it.

Objects are kept in the exact shape RAPI returns them (the bulk fields of
Ganeti 3.0's ``lib/rapi/rlib2.py``), checked against recordings of a real
cluster in ``tests/test_simulator_shapes.py``. Opcodes follow Ganeti's rules
where GWM cares, including the refusals a real single-node cluster gives.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .devices import DevicesMixin
from .failures import DryRunStop, OpFailure, prereq
from .moves import MovesMixin

__all__ = ["OpFailure", "SimCluster", "prereq"]

RUNNING_STATES = ("running",)


def _coerce(value: Any, default: Any, key: str) -> Any:
    """A parameter value as Ganeti's type check would take it (strings are converted)."""
    try:
        if isinstance(default, bool):
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if isinstance(value, bool):
                return value
            raise ValueError
        if isinstance(default, int):
            return int(value)
    except (TypeError, ValueError):
        raise prereq(f"Parameter '{key}' has an invalid value {value!r}", "wrong_input") from None
    return value


_TAG_RE = re.compile(r"^[\w.+*/:@-]+$")


def _validate_tag(tag: Any) -> None:
    # objects.TaggableObject.ValidateTag; TagError carries no error code.
    if not isinstance(tag, str):
        raise OpFailure("TagError", "Invalid tag type (not a string)")
    if len(tag) > 128:
        raise OpFailure("TagError", "Tag too long (>128 characters)")
    if not tag:
        raise OpFailure("TagError", "Tags cannot be empty")
    if not _TAG_RE.match(tag):
        raise OpFailure("TagError", "Tag contains invalid characters")


def _templates() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("templates.json").read_text()
    return json.loads(text)


@dataclass
class _Meta:
    """What RAPI doesn't show but the simulator needs to know."""

    hypervisor: str = "fake"
    disks_active: bool = False  # activate-disks ran (a running instance's are active anyway)
    osparams: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # not in RAPI's instance list


class SimCluster(MovesMixin, DevicesMixin):
    """A cluster: nodes, one group, instances, tags, OS list.

    Build it empty and add objects, or :meth:`generate` a large one. All
    access goes through ``lock`` (the HTTP server is threaded).
    """

    def __init__(
        self,
        name: str = "cluster.sim.test",
        *,
        seed: int = 0,
        hypervisors: tuple[str, ...] = ("fake", "kvm"),
        disk_templates: tuple[str, ...] = ("diskless", "file", "plain", "drbd"),
        os_names: tuple[str, ...] = ("noop+default", "noop+minimal", "debootstrap+default"),
    ):
        self.lock = threading.RLock()
        self.rng = random.Random(seed)  # noqa: S311 -- made-up test data, not security
        templates = _templates()
        now = time.time()
        self._info = templates["info"]
        self._info.update(
            name=name,
            uuid=self._uuid(),
            master=None,
            ctime=now,
            mtime=now,
            tags=[],
            enabled_hypervisors=list(hypervisors),
            default_hypervisor=hypervisors[0],
            enabled_disk_templates=list(disk_templates),
        )
        self._info["ipolicy"]["disk-templates"] = list(self._info["enabled_disk_templates"])
        group = templates["group"]
        group.update(uuid=self._uuid(), node_cnt=0, node_list=[], ctime=now, mtime=now)
        group["ipolicy"]["disk-templates"] = list(self._info["enabled_disk_templates"])
        self.groups: dict[str, dict[str, Any]] = {"default": group}
        self.nodes: dict[str, dict[str, Any]] = {}
        self.instances: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, _Meta] = {}
        self.networks: dict[str, dict[str, Any]] = {}
        self.os_names = list(os_names)
        #: OS base name -> its parameters.list as [name, doc] pairs (as the sandbox's noop)
        self.os_parameters: dict[str, list[list[str]]] = {
            "noop": [
                ["fake_param", "A dummy OS parameter (ignored)"],
                ["ssh_key", "Public keys for root (ignored)"],
            ]
        }
        #: node name -> names of the instances exported there (Ganeti's /var/lib/ganeti/export)
        self.exports: dict[str, list[str]] = {}
        #: bridges every node has; a NIC link outside them fails Ganeti's bridge check
        self.bridges: set[str] = {"br0", "br1"}
        #: names the simulated resolver knows (name -> IP); nodes are added as they come
        self.hosts: dict[str, str] = {}
        self._mac = 0
        self._log: list[str] | None = None

    # -- helpers -------------------------------------------------------------
    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _next_mac(self) -> str:
        self._mac += 1
        n = self._mac
        return f"aa:00:00:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}"

    @property
    def name(self) -> str:
        return self._info["name"]

    @property
    def master(self) -> str | None:
        return self._info["master"]

    def info(self) -> dict[str, Any]:
        return copy.deepcopy(self._info)

    def hv_defaults(self, hypervisor: str) -> dict[str, Any]:
        return copy.deepcopy(self._info["hvparams"].get(hypervisor, {}))

    def cluster_tags(self) -> list[str]:
        return self._info["tags"]

    # -- building ------------------------------------------------------------
    def add_node(
        self, name: str, *, memory: int = 65536, disk: int = 1_000_000, cpus: int = 16
    ) -> dict:
        with self.lock:
            now = time.time()
            ip = f"192.0.2.{len(self.nodes) % 250 + 1}"
            role = "M" if not self.nodes else ("C" if len(self.nodes) < 10 else "R")
            group = self.groups["default"]
            node = {
                "cnodes": 1,
                "cnos": cpus,
                "csockets": 1,
                "ctime": now,
                "ctotal": cpus,
                "dfree": disk,
                "drained": False,
                "dtotal": disk,
                "group.uuid": group["uuid"],
                "master_candidate": role in ("M", "C"),
                "master_capable": True,
                "mfree": memory - 1024,
                "mnode": 1024,
                "mtime": now,
                "mtotal": memory,
                "name": name,
                "ndparams": copy.deepcopy(group["ndparams"]),
                "offline": False,
                "pinst_cnt": 0,
                "pinst_list": [],
                "pip": ip,
                "role": role,
                "serial_no": 1,
                "sinst_cnt": 0,
                "sinst_list": [],
                "sip": ip,
                "spfree": None,
                "sptotal": None,
                "tags": [],
                "uuid": self._uuid(),
                "vm_capable": True,
            }
            self.nodes[name] = node
            self.hosts[name] = ip
            if role == "M":
                self._info["master"] = name
            group["node_list"].append(name)
            group["node_cnt"] += 1
            return node

    def add_instance(
        self,
        name: str,
        pnode: str,
        *,
        memory: int = 512,
        vcpus: int = 1,
        disk_template: str = "diskless",
        disks: list[int] | None = None,
        nics: int = 1,
        os: str = "noop+default",
        running: bool = True,
        hypervisor: str = "fake",
        snode: str | None = None,
        tags: list[str] | None = None,
    ) -> dict:
        with self.lock:
            now = time.time()
            sizes = list(disks or ([] if disk_template == "diskless" else [1024]))
            inst: dict[str, Any] = {
                "admin_state": "up" if running else "down",
                "beparams": {
                    "always_failover": False,
                    "auto_balance": True,
                    "maxmem": memory,
                    "memory": memory,
                    "minmem": memory,
                    "spindle_use": 1,
                    "vcpus": vcpus,
                },
                "ctime": now,
                "custom_beparams": {},
                "custom_hvparams": {},
                "custom_nicparams": [{} for _ in range(nics)],
                "disk.names": [None] * len(sizes),
                "disk.sizes": sizes,
                "disk.spindles": [None] * len(sizes),
                "disk.uuids": [self._uuid() for _ in sizes],
                "disk_template": disk_template,
                "disk_usage": sum(sizes),
                # Real Ganeti fills in every parameter of a KVM/Xen hypervisor, none of fake's.
                "hvparams": {} if hypervisor == "fake" else self.hv_defaults(hypervisor),
                "mtime": now,
                "name": name,
                "network_port": 11000 + len(self.instances) if hypervisor == "kvm" else None,
                "nic.bridges": ["br0"] * nics,
                "nic.ips": [None] * nics,
                "nic.links": ["br0"] * nics,
                "nic.macs": [self._next_mac() for _ in range(nics)],
                "nic.modes": ["bridged"] * nics,
                "nic.names": [None] * nics,
                "nic.networks": [None] * nics,
                "nic.networks.names": [None] * nics,
                "nic.uuids": [self._uuid() for _ in range(nics)],
                "oper_ram": None,
                "oper_state": False,
                "oper_vcpus": None,
                "os": os,
                "pnode": pnode,
                "serial_no": 1,
                "snodes": [snode] if snode else [],
                "status": "ADMIN_down",
                "tags": list(tags or []),
                "uuid": self._uuid(),
            }
            self.instances[name] = inst
            self.meta[name] = _Meta(hypervisor=hypervisor)
            self._set_running(inst, running)
            self._link(inst)
            return inst

    @classmethod
    def generate(
        cls,
        *,
        nodes: int = 3,
        instances: int = 10,
        name: str = "cluster.sim.test",
        seed: int = 0,
        domain: str = "sim.test",
    ) -> SimCluster:
        """A cluster of any size, e.g. ``generate(nodes=100, instances=10_000)``."""
        cluster = cls(name, seed=seed)
        node_names = [f"node{i + 1}.{domain}" for i in range(nodes)]
        for n in node_names:
            cluster.add_node(n)
        rng = cluster.rng
        for i in range(instances):
            template = ("diskless", "file", "plain", "drbd")[i % 4] if nodes > 1 else "file"
            pnode = node_names[i % nodes]
            snode = node_names[(i + 1) % nodes] if template == "drbd" else None
            cluster.add_instance(
                f"inst{i + 1}.{domain}",
                pnode,
                snode=snode,
                memory=rng.choice((512, 1024, 2048, 4096)),
                vcpus=rng.choice((1, 2, 4)),
                disk_template=template,
                running=rng.random() < 0.8,
                hypervisor="kvm" if i % 2 else "fake",
            )
        return cluster

    @classmethod
    def like_sandbox(cls) -> SimCluster:
        """One node, fake hypervisor, diskless/file: what bin/ganeti-sandbox builds.

        The contract tests run the same assertions against this and the real
        sandbox, including Ganeti's single-node refusals.
        """
        cluster = cls(
            "cluster.ganeti.test",
            hypervisors=("fake",),
            disk_templates=("diskless", "file"),
            os_names=("noop+default", "noop+minimal"),
        )
        cluster.add_node("node1.ganeti.test", memory=24105, disk=258019, cpus=2)
        cluster.bridges = {"br0"}
        node = cluster.nodes["node1.ganeti.test"]
        node["pip"] = node["sip"] = cluster.hosts["node1.ganeti.test"] = "198.51.100.10"
        return cluster

    # -- consistency helpers ---------------------------------------------------
    def _set_running(self, inst: dict, running: bool) -> None:
        be = inst["beparams"]
        inst["oper_state"] = running
        inst["oper_ram"] = be["maxmem"] if running else None
        inst["oper_vcpus"] = be["vcpus"] if running else None
        if inst["admin_state"] == "up":
            inst["status"] = "running" if running else "ERROR_down"
        else:
            inst["status"] = "ERROR_up" if running else "ADMIN_down"

    def _link(self, inst: dict) -> None:
        p = self.nodes.get(inst["pnode"])
        if p is not None:
            p["pinst_list"].append(inst["name"])
            p["pinst_cnt"] += 1
        for s in inst["snodes"]:
            if s in self.nodes:
                self.nodes[s]["sinst_list"].append(inst["name"])
                self.nodes[s]["sinst_cnt"] += 1

    def _unlink(self, inst: dict) -> None:
        p = self.nodes.get(inst["pnode"])
        if p is not None and inst["name"] in p["pinst_list"]:
            p["pinst_list"].remove(inst["name"])
            p["pinst_cnt"] -= 1
        for s in inst["snodes"]:
            node = self.nodes.get(s)
            if node is not None and inst["name"] in node["sinst_list"]:
                node["sinst_list"].remove(inst["name"])
                node["sinst_cnt"] -= 1

    def _touch(self, obj: dict) -> None:
        obj["mtime"] = time.time()
        obj["serial_no"] = obj.get("serial_no", 0) + 1

    def instance(self, name: str) -> dict:
        try:
            return self.instances[name]
        except KeyError:
            raise prereq(f"Instance '{name}' not known", "unknown_entity") from None

    def node(self, name: str) -> dict:
        try:
            return self.nodes[name]
        except KeyError:
            raise prereq(f"Node '{name}' not known", "unknown_entity") from None

    def tag_target(self, kind: str, name: str | None, query: bool = False) -> list[str]:
        """The tag list of an object; ``query`` words a miss as luxid's tag query does."""
        if kind == "cluster":
            return self._info["tags"]
        if query and kind in ("instance", "node"):
            table = self.instances if kind == "instance" else self.nodes
            if name not in table:
                raise prereq(f"{kind.capitalize()} name {name} not found", "unknown_entity")
        table, missing = {
            "instance": (self.instances, f"Instance '{name}' not known"),
            "node": (self.nodes, f"Node '{name}' not known"),
            "nodegroup": (self.groups, f"Node group '{name}' not found"),
            "network": (self.networks, f"Network '{name}' not found"),
        }[kind]
        if name not in table:
            raise prereq(missing, "unknown_entity")
        return table[name]["tags"]

    # -- opcodes -----------------------------------------------------------------
    def execute(self, op: dict[str, Any], log: list[str] | None = None) -> Any:
        """Run one opcode against the state; return its result or raise OpFailure.

        Messages the opcode logs (Ganeti's LogInfo/LogWarning) go to ``log``.
        With ``dry_run`` the checks run and the state is put back afterwards,
        as Ganeti's mcpu returns after CheckPrereq.
        """
        handler = getattr(self, "_op_" + op["OP_ID"][3:].lower(), None)
        if handler is None:
            raise OpFailure("OpExecError", f"Opcode {op['OP_ID']} is not simulated")
        with self.lock:
            self._log = log if log is not None else []
            try:
                if not op.get("dry_run"):
                    return handler(op)
                saved = self._snapshot()
                try:
                    handler(op)
                except DryRunStop:
                    pass
                finally:
                    self._restore(saved)
                self.log_info("dry-run mode requested, not actually executing the operation")
                return None
            finally:
                self._log = None

    def _snapshot(self) -> tuple[Any, ...]:
        return copy.deepcopy(
            (self._info, self.groups, self.nodes, self.instances, self.meta, self.networks,
             self.exports, self._mac)
        )  # fmt: skip

    def _restore(self, saved: tuple[Any, ...]) -> None:
        (self._info, self.groups, self.nodes, self.instances, self.meta, self.networks,
         self.exports, self._mac) = saved  # fmt: skip

    def log_info(self, message: str) -> None:
        if self._log is not None:
            self._log.append(f" - INFO: {message}")

    def log_warning(self, message: str) -> None:
        if self._log is not None:
            self._log.append(f" - WARNING: {message}")

    def feedback(self, message: str) -> None:
        """A plain feedback_fn line (no " - INFO: " prefix), as LUs' Exec write them."""
        if self._log is not None:
            self._log.append(message)

    def _op_tags_set(self, op: dict) -> None:
        tags = self.tag_target(op["kind"], op.get("name"))
        for t in op["tags"]:
            _validate_tag(t)
        for t in op["tags"]:
            if t not in tags:
                tags.append(t)
        self._touch_tagged(op["kind"], op.get("name"))

    def _op_tags_del(self, op: dict) -> None:
        tags = self.tag_target(op["kind"], op.get("name"))
        for t in op["tags"]:
            _validate_tag(t)
        missing = sorted(set(op["tags"]) - set(tags))
        if missing:
            names = ", ".join(f"'{t}'" for t in missing)
            raise prereq(f"Tag(s) {names} not found", "unknown_entity")
        for t in op["tags"]:
            tags.remove(t)
        self._touch_tagged(op["kind"], op.get("name"))

    def _touch_tagged(self, kind: str, name: str | None) -> None:
        # Ganeti writes tag changes with cfg.Update: serial_no and mtime move.
        if kind == "cluster":
            self._touch(self._info)
        elif kind == "instance":
            self._touch(self.instances[name])
        elif kind == "node":
            self._touch(self.nodes[name])
        elif kind == "nodegroup":
            self._touch(self.groups[name])

    def _op_cluster_redist_conf(self, op: dict) -> None:
        return None

    def _op_instance_create(self, op: dict) -> list[str]:
        name = op["instance_name"]
        if name in self.instances:
            raise prereq(f"Instance '{name}' is already in the cluster", "already_exists")
        template = str(op.get("disk_template"))
        if template not in self._info["enabled_disk_templates"]:
            raise prereq(f"Disk template '{template}' is not enabled in cluster", "wrong_input")
        if op.get("os_type") not in self.os_names:
            raise prereq(f"OS '{op.get('os_type')}' not in supported OS list", "wrong_input")
        self._check_osparams(op["os_type"], op.get("osparams") or {})
        pnode = op.get("pnode") or self._pick_node()
        self.node(pnode)
        disks = [int(d.get("size", 0)) for d in op.get("disks") or []]
        if template == "diskless" and disks:
            raise prereq("Diskless instances can't have disks", "wrong_input")
        be = op.get("beparams") or {}
        memory = int(be.get("memory", be.get("maxmem", 128)))
        inst = self.add_instance(
            name,
            pnode,
            memory=memory,
            vcpus=int(be.get("vcpus", 1)),
            disk_template=template,
            disks=disks,
            nics=len(op.get("nics") or []),
            os=op["os_type"],
            running=bool(op.get("start", True)),
            hypervisor=op.get("hypervisor") or "fake",
            snode=op.get("snode"),
            tags=op.get("tags"),
        )
        if "minmem" in be:
            inst["beparams"]["minmem"] = int(be["minmem"])
        for key, value in (op.get("hvparams") or {}).items():
            inst["hvparams"][key] = inst["custom_hvparams"][key] = value
        self.meta[name].osparams.update({k: str(v) for k, v in (op.get("osparams") or {}).items()})
        return [pnode]

    def _check_osparams(self, os_type: str, osparams: dict) -> None:
        """As Ganeti's OS validation: only parameters the OS's parameters.list declares."""
        base = os_type.partition("+")[0]
        declared = {name for name, _ in self.os_parameters.get(base, [])}
        unknown = sorted(set(osparams) - declared)
        if unknown:
            raise prereq(
                f"The following parameters are not supported by the OS {base}: "
                f"{', '.join(unknown)}",
                "wrong_input",
            )

    def _pick_node(self) -> str:
        if not self.nodes:
            raise prereq("No nodes in cluster", "insufficient_resources")
        return min(self.nodes.values(), key=lambda n: n["pinst_cnt"])["name"]

    def _op_instance_remove(self, op: dict) -> None:
        inst = self.instance(op["instance_name"])
        self._unlink(inst)
        del self.instances[inst["name"]]
        self.meta.pop(inst["name"], None)

    def _op_instance_startup(self, op: dict) -> None:
        inst = self.instance(op["instance_name"])
        if not op.get("no_remember"):
            inst["admin_state"] = "up"
        self._set_running(inst, True)
        self._touch(inst)

    def _op_instance_shutdown(self, op: dict) -> None:
        inst = self.instance(op["instance_name"])
        if not op.get("no_remember"):
            inst["admin_state"] = "down"
        self._set_running(inst, False)
        self._touch(inst)

    def _op_instance_reboot(self, op: dict) -> None:
        # Like Ganeti: a stopped instance is started by a reboot.
        inst = self.instance(op["instance_name"])
        inst["admin_state"] = "up"
        self._set_running(inst, True)
        self._touch(inst)

    def _op_instance_reinstall(self, op: dict) -> None:
        inst = self.instance(op["instance_name"])
        if not inst["disk.sizes"]:
            raise prereq(f"Instance '{inst['name']}' has no disks", "wrong_input")
        if inst["oper_state"]:
            raise prereq(f"Instance '{inst['name']}' is running, cannot reinstall", "wrong_state")
        if op.get("os_type"):
            if op["os_type"] not in self.os_names:
                raise prereq(f"OS '{op['os_type']}' not in supported OS list", "wrong_input")
            inst["os"] = op["os_type"]
        self._touch(inst)

    def _op_instance_activate_disks(self, op: dict) -> list[list[Any]]:
        inst = self.instance(op["instance_name"])
        self.meta[inst["name"]].disks_active = True
        return [
            [inst["pnode"], f"disk/{i}", f"/srv/ganeti/file-storage/{inst['name']}/disk{i}"]
            for i in range(len(inst["disk.sizes"]))
        ]

    def _op_instance_deactivate_disks(self, op: dict) -> None:
        inst = self.instance(op["instance_name"])
        if inst["admin_state"] == "up" and not op.get("force"):
            raise prereq(
                f"Instance '{inst['name']}' is marked to be up, cannot shutdown disks",
                "wrong_state",
            )
        self.meta[inst["name"]].disks_active = False

    def _op_instance_grow_disk(self, op: dict) -> None:
        inst = self.instance(op["instance_name"])
        idx = int(op["disk"])
        if not 0 <= idx < len(inst["disk.sizes"]):
            raise prereq(f"Invalid disk index: {idx}", "wrong_input")
        amount = int(op["amount"])
        new = amount if op.get("absolute") else inst["disk.sizes"][idx] + amount
        if new < inst["disk.sizes"][idx]:
            raise prereq("Requested size is smaller than the current size", "wrong_input")
        inst["disk.sizes"][idx] = new
        inst["disk_usage"] = sum(inst["disk.sizes"])
        self._touch(inst)

    def _op_instance_query_data(self, op: dict) -> dict[str, Any]:
        result = {}
        for name in op["instances"]:
            inst = self.instance(name)
            group = self.groups["default"]
            result[name] = {
                "be_actual": {k: v for k, v in inst["beparams"].items() if k != "memory"},
                "be_instance": inst["custom_beparams"],
                "config_state": inst["admin_state"],
                "ctime": inst["ctime"],
                "disk_template": inst["disk_template"],
                "disks": [],
                "hv_actual": inst["hvparams"],
                "hv_instance": inst["custom_hvparams"],
                "hypervisor": self.meta.get(name, _Meta()).hypervisor,
                "mtime": inst["mtime"],
                "name": name,
                "network_port": inst["network_port"],
                "nics": [
                    [
                        inst["nic.names"][i],
                        inst["nic.uuids"][i],
                        inst["nic.ips"][i],
                        inst["nic.macs"][i],
                        inst["nic.modes"][i],
                        inst["nic.links"][i],
                        "",
                        None,
                        None,
                    ]
                    for i in range(len(inst["nic.macs"]))
                ],
                "os": inst["os"],
                "os_actual": {},
                "os_instance": {},
                "pnode": inst["pnode"],
                "pnode_group_name": "default",
                "pnode_group_uuid": group["uuid"],
                "run_state": "up" if inst["oper_state"] else "down",
                "serial_no": inst["serial_no"],
                "snodes": inst["snodes"],
                "snodes_group_names": ["default"] * len(inst["snodes"]),
                "snodes_group_uuids": [group["uuid"]] * len(inst["snodes"]),
                "uuid": inst["uuid"],
            }
        return result

    def _op_instance_multi_alloc(self, op: dict) -> dict[str, Any]:
        # The real opcode only allocates and submits one creation job per
        # instance; the job queue (SimJobQueue) submits them from this result.
        names = [i["instance_name"] for i in op["instances"]]
        taken = [n for n in names if n in self.instances]
        if taken:
            raise prereq(f"Instance '{taken[0]}' is already in the cluster", "already_exists")
        return {"allocatable": names, "failed": [], "jobs": []}

    def _op_node_set_params(self, op: dict) -> list[list[Any]]:
        node = self.node(op["node_name"])
        role_change = any(op.get(k) is not None for k in ("master_candidate", "offline", "drained"))
        if role_change and node["role"] == "M":
            raise prereq("The master role can be changed only via master-failover", "wrong_input")
        changes: list[list[Any]] = []
        if op.get("offline") is not None:
            node["offline"] = bool(op["offline"])
            changes.append(["offline", node["offline"]])
        if op.get("drained") is not None:
            node["drained"] = bool(op["drained"])
            changes.append(["drained", node["drained"]])
        if op.get("master_candidate") is not None:
            node["master_candidate"] = bool(op["master_candidate"])
            changes.append(["master_candidate", node["master_candidate"]])
        if node["offline"]:
            node["role"], node["master_candidate"], node["drained"] = "O", False, False
        elif node["drained"]:
            node["role"], node["master_candidate"] = "D", False
        else:
            node["role"] = "C" if node["master_candidate"] else "R"
        for key, value in (op.get("ndparams") or {}).items():
            node["ndparams"][key] = value
            changes.append([f"ndparams/{key}", value])
        self._touch(node)
        return changes

    def _op_node_query_storage(self, op: dict) -> list[list[Any]]:
        rows = []
        for name in op["nodes"]:
            node = self.node(name)
            used = node["dtotal"] - node["dfree"]
            values = {
                "name": "/srv/ganeti/file-storage",
                "size": node["dtotal"],
                "used": used,
                "free": node["dfree"],
                "allocatable": True,
                "node": name,
                "type": op["storage_type"],
            }
            rows.append([values.get(f) for f in op["output_fields"]])
        return rows

    def _op_node_modify_storage(self, op: dict) -> None:
        self.node(op["node_name"])

    def _op_repair_node_storage(self, op: dict) -> None:
        self.node(op["node_name"])

    def _op_os_diagnose(self, op: dict) -> list[list[Any]]:
        by_os: dict[str, list[str]] = {}
        for full in self.os_names:
            base, _, variant = full.partition("+")
            by_os.setdefault(base, []).append(variant)
        return [[base, variants] for base, variants in by_os.items()]
