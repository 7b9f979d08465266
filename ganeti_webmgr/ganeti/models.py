"""Typed views of the RAPI resources GWM stores.

Each class keeps Ganeti's dict in ``raw`` (GWM caches it as is) and exposes
the fields GWM reads as typed attributes. Parsing is lenient about missing
keys (``None``) because Ganeti versions differ; the contract tests check that
the keys are there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JOB_STATUSES_FINAL = frozenset({"success", "error", "canceled"})
JOB_STATUSES_PENDING = frozenset({"queued", "waiting", "canceling"})


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _timestamp(value: Any) -> float | None:
    """Ganeti job timestamps are ``[seconds, microseconds]``."""
    if isinstance(value, list) and len(value) == 2:
        return value[0] + value[1] / 1e6
    return None


@dataclass(frozen=True)
class ClusterInfo:
    name: str
    uuid: str | None
    master: str | None
    software_version: str | None
    protocol_version: int | None
    architecture: list[str]
    default_hypervisor: str | None
    enabled_hypervisors: list[str]
    enabled_disk_templates: list[str]
    tags: list[str]
    ctime: float | None
    mtime: float | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClusterInfo:
        return cls(
            name=str(data.get("name", "")),
            uuid=data.get("uuid"),
            master=data.get("master"),
            software_version=data.get("software_version"),
            protocol_version=_opt_int(data.get("protocol_version")),
            architecture=_str_list(data.get("architecture")),
            default_hypervisor=data.get("default_hypervisor"),
            enabled_hypervisors=_str_list(data.get("enabled_hypervisors")),
            enabled_disk_templates=_str_list(data.get("enabled_disk_templates")),
            tags=_str_list(data.get("tags")),
            ctime=_opt_float(data.get("ctime")),
            mtime=_opt_float(data.get("mtime")),
            raw=data,
        )


# Single-letter roles of the bulk/node resources -> the words /role uses.
NODE_ROLES = {
    "M": "master",
    "C": "master-candidate",
    "R": "regular",
    "D": "drained",
    "O": "offline",
}


@dataclass(frozen=True)
class Node:
    name: str
    uuid: str | None
    role: str | None  # "master", "master-candidate", "regular", "drained", "offline"
    offline: bool
    drained: bool
    master_candidate: bool
    master_capable: bool
    vm_capable: bool
    group_uuid: str | None
    primary_ip: str | None
    secondary_ip: str | None
    memory_total: int | None  # MiB; None when the node did not answer
    memory_free: int | None
    memory_node: int | None
    disk_total: int | None
    disk_free: int | None
    cpu_total: int | None
    cpu_sockets: int | None
    primary_instances: list[str]
    secondary_instances: list[str]
    tags: list[str]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        role = data.get("role")
        return cls(
            name=str(data.get("name", "")),
            uuid=data.get("uuid"),
            role=NODE_ROLES.get(role, role) if isinstance(role, str) else None,
            offline=bool(data.get("offline")),
            drained=bool(data.get("drained")),
            master_candidate=bool(data.get("master_candidate")),
            master_capable=bool(data.get("master_capable")),
            vm_capable=bool(data.get("vm_capable")),
            group_uuid=data.get("group.uuid"),
            primary_ip=data.get("pip"),
            secondary_ip=data.get("sip"),
            memory_total=_opt_int(data.get("mtotal")),
            memory_free=_opt_int(data.get("mfree")),
            memory_node=_opt_int(data.get("mnode")),
            disk_total=_opt_int(data.get("dtotal")),
            disk_free=_opt_int(data.get("dfree")),
            cpu_total=_opt_int(data.get("ctotal")),
            cpu_sockets=_opt_int(data.get("csockets")),
            primary_instances=_str_list(data.get("pinst_list")),
            secondary_instances=_str_list(data.get("sinst_list")),
            tags=_str_list(data.get("tags")),
            raw=data,
        )


@dataclass(frozen=True)
class Instance:
    name: str
    uuid: str | None
    status: str | None  # "running", "ADMIN_down", "ERROR_down", ...
    admin_state: str | None  # "up", "down", "offline"
    oper_state: bool
    os: str | None
    primary_node: str | None
    secondary_nodes: list[str]
    disk_template: str | None
    memory: int | None  # configured (maxmem), MiB
    vcpus: int | None
    oper_ram: int | None
    oper_vcpus: int | None
    disk_sizes: list[int]
    disk_usage: int | None
    nic_macs: list[str]
    nic_ips: list[str | None]
    nic_links: list[str | None]
    nic_modes: list[str | None]
    network_port: int | None
    tags: list[str]
    ctime: float | None
    mtime: float | None
    serial_no: int | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instance:
        be_raw = data.get("beparams")
        be: dict[str, Any] = be_raw if isinstance(be_raw, dict) else {}
        return cls(
            name=str(data.get("name", "")),
            uuid=data.get("uuid"),
            status=data.get("status"),
            admin_state=data.get("admin_state"),
            oper_state=bool(data.get("oper_state")),
            os=data.get("os"),
            primary_node=data.get("pnode"),
            secondary_nodes=_str_list(data.get("snodes")),
            disk_template=data.get("disk_template"),
            memory=_opt_int(be.get("maxmem", be.get("memory"))),
            vcpus=_opt_int(be.get("vcpus")),
            oper_ram=_opt_int(data.get("oper_ram")),
            oper_vcpus=_opt_int(data.get("oper_vcpus")),
            disk_sizes=[s for s in data.get("disk.sizes") or [] if isinstance(s, int)],
            disk_usage=_opt_int(data.get("disk_usage")),
            nic_macs=_str_list(data.get("nic.macs")),
            nic_ips=list(data.get("nic.ips") or []),
            nic_links=list(data.get("nic.links") or []),
            nic_modes=list(data.get("nic.modes") or []),
            network_port=_opt_int(data.get("network_port")),
            tags=_str_list(data.get("tags")),
            ctime=_opt_float(data.get("ctime")),
            mtime=_opt_float(data.get("mtime")),
            serial_no=_opt_int(data.get("serial_no")),
            raw=data,
        )


@dataclass(frozen=True)
class OpError:
    """A failed opcode, decoded from Ganeti's ``[class, [message, code]]``."""

    error_class: str
    message: str
    code: str | None  # e.g. "wrong_input", "resolver_error"; None for OpExecError

    @classmethod
    def decode(cls, value: Any) -> OpError | None:
        """Decode ``["OpPrereqError", ["msg", "wrong_input"]]``; None if not one."""
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
            return None
        error_class, args = value
        if not (error_class.endswith("Error") or error_class.endswith("Failure")):
            return None
        if isinstance(args, list):
            message = str(args[0]) if args else ""
            code = args[1] if len(args) > 1 and isinstance(args[1], str) else None
        else:
            message, code = str(args), None
        return cls(error_class, message, code)


@dataclass(frozen=True)
class LogEntry:
    serial: int
    timestamp: float | None
    kind: str
    message: str

    @classmethod
    def decode(cls, value: Any) -> LogEntry | None:
        """``[serial, [sec, usec], "message", text]`` as Ganeti sends it."""
        if isinstance(value, list) and len(value) == 4 and isinstance(value[0], int):
            return cls(value[0], _timestamp(value[1]), str(value[2]), str(value[3]))
        return None


@dataclass(frozen=True)
class Job:
    id: int
    status: str
    summary: list[str]
    opstatus: list[str]
    opresult: list[Any]
    received_at: float | None
    started_at: float | None
    ended_at: float | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        return cls(
            id=int(data.get("id", 0)),
            status=str(data.get("status")),
            summary=_str_list(data.get("summary")),
            opstatus=_str_list(data.get("opstatus")),
            opresult=list(data.get("opresult") or []),
            received_at=_timestamp(data.get("received_ts")),
            started_at=_timestamp(data.get("start_ts")),
            ended_at=_timestamp(data.get("end_ts")),
            raw=data,
        )

    @property
    def finished(self) -> bool:
        return self.status in JOB_STATUSES_FINAL

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    @property
    def error(self) -> OpError | None:
        """The first failed opcode's error (later ops only say "preceding opcode failed")."""
        for index, status in enumerate(self.opstatus):
            if status == "error" and index < len(self.opresult):
                decoded = OpError.decode(self.opresult[index])
                if decoded:
                    return decoded
        return None

    @property
    def result(self) -> Any:
        """The last opcode's result (what a one-opcode job returns)."""
        return self.opresult[-1] if self.opresult else None

    def has_reason(self, text: str, source: str = "gnt:user") -> bool:
        """Whether an opcode's reason trail carries text from source; the trail is
        [[source, text, nanoseconds], ...] per opcode, in bulk and single reads."""
        for op in self.raw.get("ops") or []:
            trail = op.get("reason") if isinstance(op, dict) else None
            for entry in trail or []:
                if isinstance(entry, list) and entry[:2] == [source, text]:
                    return True
        return False

    @property
    def log(self) -> list[LogEntry]:
        """Log entries of all opcodes (only in single-job reads, not bulk)."""
        entries = []
        for op_log in self.raw.get("oplog") or []:
            for item in op_log or []:
                entry = LogEntry.decode(item)
                if entry:
                    entries.append(entry)
        return entries


@dataclass(frozen=True)
class JobChange:
    """One answer of ``/2/jobs/ID/wait``: the requested fields and new log entries."""

    job_info: list[Any]
    log_entries: list[LogEntry]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobChange:
        entries = [LogEntry.decode(e) for e in data.get("log_entries") or []]
        return cls(list(data.get("job_info") or []), [e for e in entries if e])


@dataclass(frozen=True)
class ConsoleInfo:
    instance: str
    kind: str  # "vnc", "ssh", "spice", "msg"
    host: str | None
    port: int | None
    user: str | None
    command: list[str]
    message: str | None
    display: int | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConsoleInfo:
        command = data.get("command")
        return cls(
            instance=str(data.get("instance", "")),
            kind=str(data.get("kind", "")),
            host=data.get("host"),
            port=_opt_int(data.get("port")),
            user=data.get("user"),
            command=_str_list(command),
            message=data.get("message"),
            display=_opt_int(data.get("display")),
            raw=data,
        )
