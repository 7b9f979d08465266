"""The simulator's HTTPS server: Ganeti's RAPI v2 on loopback, in a thread.

Unlike Ganeti's own daemon it keeps connections alive (HTTP/1.1), so tests
can see the client's connection reuse. Every request is recorded (method,
path, user, whether an Authorization header arrived), and so is every TLS
connection, so a test can prove that nothing was sent after a failed pin.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import json
import re
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .certs import CertPair, make_certificate
from .cluster import OpFailure, SimCluster
from .faults import Fault, FaultSet
from .jobs import SimJobQueue
from .opcodes import OPCODE_PARAMS

FEATURES = [
    "instance-reinstall-reqv1",
    "instance-create-reqv1",
    "node-evac-res1",
    "node-migrate-reqv1",
]
_NODE_FIELDS_ROLE = {
    "M": "master",
    "C": "master-candidate",
    "R": "regular",
    "D": "drained",
    "O": "offline",
}
MAX_BODY = 16 * 1024 * 1024


class HttpError(Exception):
    def __init__(self, status: int, message: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message or HTTPStatus(status).phrase
        self.headers = headers or {}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    user: str | None
    authorization: bool  # an Authorization header arrived
    body: Any
    status: int = 0


# (method, path regex, handler name, access) -- access "write" or "read"
ROUTES: list[tuple[str, str, str, str]] = [
    ("GET", r"/version", "version", "read"),
    ("GET", r"/2/info", "info", "read"),
    ("GET", r"/2/features", "features", "read"),
    ("GET", r"/2/os", "os", "read"),
    ("PUT", r"/2/redistribute-config", "redist", "write"),
    ("GET", r"/2/tags", "tags_get", "read"),
    ("PUT", r"/2/tags", "tags_put", "write"),
    ("DELETE", r"/2/tags", "tags_delete", "write"),
    (
        "GET",
        r"/2/(?P<kind>nodes|instances|groups|networks)/(?P<name>[^/]+)/tags",
        "tags_get",
        "read",
    ),
    (
        "PUT",
        r"/2/(?P<kind>nodes|instances|groups|networks)/(?P<name>[^/]+)/tags",
        "tags_put",
        "write",
    ),
    (
        "DELETE",
        r"/2/(?P<kind>nodes|instances|groups|networks)/(?P<name>[^/]+)/tags",
        "tags_delete",
        "write",
    ),
    ("GET", r"/2/nodes", "nodes", "read"),
    ("GET", r"/2/nodes/(?P<name>[^/]+)", "node", "read"),
    ("GET", r"/2/nodes/(?P<name>[^/]+)/role", "node_role", "read"),
    ("PUT", r"/2/nodes/(?P<name>[^/]+)/role", "node_role_set", "write"),
    ("POST", r"/2/nodes/(?P<name>[^/]+)/evacuate", "node_evacuate", "write"),
    ("POST", r"/2/nodes/(?P<name>[^/]+)/migrate", "node_migrate", "write"),
    ("POST", r"/2/nodes/(?P<name>[^/]+)/modify", "node_modify", "write"),
    ("GET", r"/2/nodes/(?P<name>[^/]+)/storage", "node_storage", "write"),
    ("PUT", r"/2/nodes/(?P<name>[^/]+)/storage/modify", "node_storage_modify", "write"),
    ("PUT", r"/2/nodes/(?P<name>[^/]+)/storage/repair", "node_storage_repair", "write"),
    ("GET", r"/2/groups", "groups", "read"),
    ("GET", r"/2/groups/(?P<name>[^/]+)", "group", "read"),
    ("GET", r"/2/networks", "networks", "read"),
    ("GET", r"/2/networks/(?P<name>[^/]+)", "network", "read"),
    ("GET", r"/2/instances", "instances", "read"),
    ("POST", r"/2/instances", "instance_create", "write"),
    ("POST", r"/2/instances-multi-alloc", "instances_multi_alloc", "write"),
    ("GET", r"/2/instances/(?P<name>[^/]+)", "instance", "read"),
    ("DELETE", r"/2/instances/(?P<name>[^/]+)", "instance_delete", "write"),
    ("GET", r"/2/instances/(?P<name>[^/]+)/info", "instance_info", "read"),
    ("POST", r"/2/instances/(?P<name>[^/]+)/reboot", "instance_reboot", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/startup", "instance_startup", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/shutdown", "instance_shutdown", "write"),
    ("POST", r"/2/instances/(?P<name>[^/]+)/reinstall", "instance_reinstall", "write"),
    ("POST", r"/2/instances/(?P<name>[^/]+)/replace-disks", "instance_replace_disks", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/activate-disks", "instance_activate_disks", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/deactivate-disks", "instance_deactivate_disks", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/migrate", "instance_migrate", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/failover", "instance_failover", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/rename", "instance_rename", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/modify", "instance_modify", "write"),
    ("PUT", r"/2/instances/(?P<name>[^/]+)/export", "instance_export", "write"),
    (
        "POST",
        r"/2/instances/(?P<name>[^/]+)/disk/(?P<disk>\d+)/grow",
        "instance_grow_disk",
        "write",
    ),
    ("GET", r"/2/instances/(?P<name>[^/]+)/console", "instance_console", "read"),
    ("GET", r"/2/query/export", "query_export", "read"),
    ("PUT", r"/2/query/export", "query_export", "read"),
    ("GET", r"/2/query/export/fields", "query_export_fields", "read"),
    ("GET", r"/2/jobs", "jobs", "read"),
    ("GET", r"/2/jobs/(?P<id>\d+)", "job", "read"),
    ("DELETE", r"/2/jobs/(?P<id>\d+)", "job_cancel", "write"),
    ("GET", r"/2/jobs/(?P<id>\d+)/wait", "job_wait", "write"),
    ("GET", r"/2/filters", "filters", "read"),
    ("POST", r"/2/filters", "filter_add", "write"),
    ("GET", r"/2/filters/(?P<uuid>[^/]+)", "filter", "read"),
    ("DELETE", r"/2/filters/(?P<uuid>[^/]+)", "filter_delete", "write"),
]
#: the resources whose rlib2 handler reads ``dry-run=1`` from the query; the others
#: ignore it and run for real (a dry run there is ``"dry_run": true`` in the body)
DRY_RUN_QUERY = frozenset(
    {
        "tags_put",
        "tags_delete",
        "node_evacuate",
        "instance_create",
        "instances_multi_alloc",
        "instance_delete",
        "instance_reboot",
        "instance_startup",
        "instance_shutdown",
    }
)
_COMPILED = [(m, re.compile(f"^{p}$"), h, a) for m, p, h, a in ROUTES]
_TAG_KINDS = {
    None: "cluster",
    "nodes": "node",
    "instances": "instance",
    "groups": "nodegroup",
    "networks": "network",
}


class _Request:
    """What a route handler sees."""

    def __init__(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, groups: dict[str, str]
    ):
        self.method, self.path, self.query, self.body = method, path, query, body
        self.args = {k: unquote(v) for k, v in groups.items() if v is not None}
        self.handler = ""

    def flag(self, name: str) -> bool:
        try:
            return bool(int(self.query.get(name, ["0"])[0] or 0))
        except ValueError:
            raise HttpError(400, f"Invalid value for the '{name}' parameter") from None

    def string(self, name: str) -> str | None:
        return self.query.get(name, [None])[0]

    def body_dict(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise HttpError(400, "Invalid body contents, not a dictionary")
        return dict(self.body)


class RapiSimulator:
    """A RAPI server for one :class:`SimCluster`.

    ``users`` maps a user name to ``(password, "write"|"read")``;
    ``anonymous_access`` is what a request without credentials may do: None
    (401, Ganeti's ``--require-authentication``) or "read" (Ganeti's default). Use as a
    context manager, or ``start()``/``stop()``. ``url``, ``fingerprint``,
    ``ca_file`` tell a client how to connect. ``certificate`` is the pair to serve
    (default: one made for this process); ``first_job_id`` continues a saved cluster's
    job ids.
    """

    def __init__(
        self,
        cluster: SimCluster | None = None,
        *,
        users: dict[str, tuple[str, str]] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        op_duration: float | tuple[float, float] = 0.0,
        wait_timeout: float = 10.0,
        workers: int = 2,
        certificate: CertPair | None = None,
        first_job_id: int = 1,
    ):
        self.cluster = cluster or SimCluster.generate(nodes=2, instances=4)
        self.users = (
            users
            if users is not None
            else {"gwm": ("gwm-secret", "write"), "gwm-ro": ("gwm-ro-secret", "read")}
        )
        self.anonymous_access: str | None = None
        self.host = host
        self.port = port
        self.faults = FaultSet()
        self.queue = SimJobQueue(
            self.cluster,
            op_duration=op_duration,
            workers=workers,
            wait_timeout=wait_timeout,
            first_job_id=first_job_id,
        )
        self.requests: list[RecordedRequest] = []
        self.connections = 0  # TCP connections accepted (each one gets a TLS handshake)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="gwm-rapi-sim-")
        self.cert = certificate or make_certificate("localhost")
        self.other_cert = make_certificate("localhost", variant=1)
        self.ca_file = str(self._write("cert.pem", self.cert.cert_pem))
        self._contexts = {
            False: self._context(self.cert, "good"),
            True: self._context(self.other_cert, "other"),
        }

    # -- lifecycle -----------------------------------------------------------
    def _write(self, name: str, data: bytes) -> Path:
        path = Path(self._tmp.name, name)
        path.write_bytes(data)
        path.chmod(0o600)
        return path

    def _context(self, pair: Any, stem: str) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.num_tickets = 0  # no session tickets: nothing is written after the handshake
        ctx.load_cert_chain(
            self._write(f"{stem}-cert.pem", pair.cert_pem),
            self._write(f"{stem}-key.pem", pair.key_pem),
        )
        return ctx

    @property
    def fingerprint(self) -> str:
        return self.cert.fingerprint

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    def start(self) -> RapiSimulator:
        self._server = _Server((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="rapi-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_all()
            self._server.server_close()
            self._server = None
        self.queue.stop()
        self._tmp.cleanup()

    def __enter__(self) -> RapiSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test helpers --------------------------------------------------------
    def inject(self, kind: str, **params: Any) -> Fault:
        """Add a fault, e.g. ``inject("status", status=502, path="^/2/info$", times=1)``."""
        return self.faults.add(Fault(kind=kind, **params))  # type: ignore[arg-type]

    def clear_faults(self) -> None:
        self.faults.clear()

    @contextmanager
    def hold_jobs(self) -> Iterator[None]:
        """Keep every job queued inside the block (to test cancel)."""
        self.queue.hold(True)
        try:
            yield
        finally:
            self.queue.hold(False)

    def reset_records(self) -> None:
        with self._lock:
            self.requests.clear()
            self.connections = 0

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    # -- dispatch --------------------------------------------------------------
    def dispatch(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        user: str | None,
        access: str | None,
    ) -> bytes:
        """Route a request; return the JSON answer or raise HttpError."""
        allowed = []
        for m, rx, handler, needs in _COMPILED:
            match = rx.match(path)
            if not match:
                continue
            if m != method:
                allowed.append(m)
                continue
            if needs == "write" and access != "write":
                if user is None:  # anonymous: Ganeti asks for credentials
                    raise HttpError(
                        401, headers={"WWW-Authenticate": 'Basic realm="Ganeti Remote API"'}
                    )
                raise HttpError(403)
            fn: Callable[[_Request], Any] = getattr(self, "_h_" + handler)
            request = _Request(method, path, query, body, match.groupdict())
            request.handler = handler
            if handler == "job_wait":  # blocks for seconds: not under the cluster lock
                return json.dumps(fn(request)).encode()
            # Serialise under the lock: job workers change these dicts.
            with self.cluster.lock:
                return json.dumps(fn(request)).encode()
        if allowed:
            raise HttpError(501, f"Method {method} is unsupported for path {path}")
        raise HttpError(404)

    # The handlers below mirror lib/rapi/rlib2.py of Ganeti 3.0.

    def _submit(
        self, req: _Request, ops: list[dict[str, Any]], *, dry_run: bool | None = None
    ) -> int:
        reason = req.string("reason")
        resource = "rlib2:" + re.sub(r"[^a-z0-9]+", "_", req.path[3:].lower()).strip("_")
        for op in ops:
            trail = [["gnt:user", reason, time.time_ns()]] if reason else []
            trail.append([f"gnt:library:{resource}", "", time.time_ns()])
            op.update(
                {"reason": trail, "priority": 0, "depends": None, "comment": None, "debug_level": 0}
            )
        if dry_run is None:
            dry_run = req.handler in DRY_RUN_QUERY and req.flag("dry-run")
        return self.queue.submit(ops, dry_run=dry_run)

    def _op(
        self,
        op_id: str,
        req: _Request,
        body: dict[str, Any],
        static: dict[str, Any],
        rename: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Fill an opcode like baserlib.FillOpcode: unknown parameters are a 400."""
        params = dict(body)
        for old, new in (rename or {}).items():
            if old in params:
                if new in params:
                    raise HttpError(
                        400,
                        f"Parameter '{old}' was renamed to '{new}', but"
                        " either '{old}' or '{new}' can be given",
                    )
                params[new] = params.pop(old)
        clash = set(params) & set(static)
        if clash:
            names = ", ".join(repr(k) for k in sorted(clash))
            raise HttpError(400, f"Can't overwrite static parameters {{{names}}}")
        params.update(static)
        known = OPCODE_PARAMS.get(op_id)
        if known is not None:
            for key in params:
                if key not in known:
                    cls = "Op" + "".join(w.capitalize() for w in op_id[3:].split("_"))
                    raise HttpError(
                        400,
                        f"Invalid body parameters: Object {cls} doesn't support the"
                        f" parameter '{key}'",
                    )
        return {"OP_ID": op_id, **params}

    # cluster
    def _h_version(self, req: _Request) -> int:
        return 2

    def _h_info(self, req: _Request) -> dict:
        with self.cluster.lock:
            return self.cluster.info()

    def _h_features(self, req: _Request) -> list[str]:
        return list(FEATURES)

    def _h_os(self, req: _Request) -> list[str]:
        return list(self.cluster.os_names)

    def _h_redist(self, req: _Request) -> int:
        return self._submit(req, [{"OP_ID": "OP_CLUSTER_REDIST_CONF"}])

    # tags
    def _tag_kind(self, req: _Request) -> tuple[str, str | None]:
        return _TAG_KINDS[req.args.get("kind")], req.args.get("name")

    def _h_tags_get(self, req: _Request) -> list[str]:
        kind, name = self._tag_kind(req)
        try:
            return list(self.cluster.tag_target(kind, name, query=True))
        except OpFailure as exc:
            # Ganeti answers a query error on an unknown object with a 500.
            raise HttpError(500, repr((exc.message, exc.code))) from None

    def _h_tags_put(self, req: _Request, op_id: str = "OP_TAGS_SET") -> int:
        kind, name = self._tag_kind(req)
        op = {
            "OP_ID": op_id,
            "kind": kind,
            "name": name,
            "tags": req.query.get("tag", []),
            "dry_run": req.flag("dry-run"),
        }
        return self._submit(req, [op])

    def _h_tags_delete(self, req: _Request) -> int:
        return self._h_tags_put(req, "OP_TAGS_DEL")

    # nodes
    def _h_nodes(self, req: _Request) -> list:
        with self.cluster.lock:
            if req.flag("bulk"):
                return [dict(n) for n in self.cluster.nodes.values()]
            return [{"id": n, "uri": f"/2/nodes/{n}"} for n in self.cluster.nodes]

    def _node(self, name: str) -> dict:
        node = self.cluster.nodes.get(name)
        if node is None:
            raise HttpError(404)
        return node

    def _h_node(self, req: _Request) -> dict:
        with self.cluster.lock:
            node = dict(self._node(req.args["name"]))
            node["secondary_ip"] = node["sip"]  # rlib2's GET_ALIASES
            return node

    def _h_node_role(self, req: _Request) -> str:
        with self.cluster.lock:
            node = self.cluster.nodes.get(req.args["name"])
            if node is None:
                raise HttpError(500, "list index out of range")  # what Ganeti 3.0 says
            return _NODE_FIELDS_ROLE[node["role"]]

    def _h_node_role_set(self, req: _Request) -> int:
        role = req.body
        if not isinstance(role, str):
            raise HttpError(400, "Body contents: Type is 'dict', but 'str' is expected")
        flags = {
            "regular": {"master_candidate": False, "offline": False, "drained": False},
            "master-candidate": {"master_candidate": True},
            "drained": {"drained": True},
            "offline": {"offline": True},
        }.get(role)
        if flags is None:
            raise HttpError(400, f"Can't set '{role}' role")
        op = {
            "OP_ID": "OP_NODE_SET_PARAMS",
            "node_name": req.args["name"],
            "force": req.flag("force"),
            "auto_promote": req.flag("auto-promote"),
            **flags,
        }
        return self._submit(req, [op])

    def _h_node_evacuate(self, req: _Request) -> int:
        op = self._op(
            "OP_NODE_EVACUATE",
            req,
            req.body_dict(),
            {"node_name": req.args["name"], "dry_run": req.flag("dry-run")},
        )
        _require(op, "mode", ("primary-only", "secondary-only", "all"))
        return self._submit(req, [op])

    def _h_node_migrate(self, req: _Request) -> int:
        op = self._op("OP_NODE_MIGRATE", req, req.body_dict(), {"node_name": req.args["name"]})
        return self._submit(req, [op])

    def _h_node_modify(self, req: _Request) -> int:
        op = self._op("OP_NODE_SET_PARAMS", req, req.body_dict(), {"node_name": req.args["name"]})
        return self._submit(req, [op])

    def _h_node_storage(self, req: _Request) -> int:
        fields = (req.string("output_fields") or "name,size,free").split(",")
        op = {
            "OP_ID": "OP_NODE_QUERY_STORAGE",
            "nodes": [req.args["name"]],
            "storage_type": req.string("storage_type"),
            "output_fields": fields,
        }
        return self._submit(req, [op], dry_run=False)

    def _h_node_storage_modify(self, req: _Request) -> int:
        return self._submit(
            req,
            [
                {
                    "OP_ID": "OP_NODE_MODIFY_STORAGE",
                    "node_name": req.args["name"],
                    "storage_type": req.string("storage_type"),
                    "name": req.string("name"),
                }
            ],
        )

    def _h_node_storage_repair(self, req: _Request) -> int:
        return self._submit(
            req,
            [
                {
                    "OP_ID": "OP_REPAIR_NODE_STORAGE",
                    "node_name": req.args["name"],
                    "storage_type": req.string("storage_type"),
                    "name": req.string("name"),
                }
            ],
        )

    # groups and networks
    def _h_groups(self, req: _Request) -> list:
        with self.cluster.lock:
            if req.flag("bulk"):
                return [dict(g) for g in self.cluster.groups.values()]
            return [{"name": g, "uri": f"/2/groups/{g}"} for g in self.cluster.groups]

    def _h_group(self, req: _Request) -> dict:
        with self.cluster.lock:
            group = self.cluster.groups.get(req.args["name"])
            if group is None:
                raise HttpError(404)
            return dict(group)

    def _h_networks(self, req: _Request) -> list:
        with self.cluster.lock:
            if req.flag("bulk"):
                return [dict(n) for n in self.cluster.networks.values()]
            return [{"name": n, "uri": f"/2/networks/{n}"} for n in self.cluster.networks]

    def _h_network(self, req: _Request) -> dict:
        with self.cluster.lock:
            net = self.cluster.networks.get(req.args["name"])
            if net is None:
                raise HttpError(404)
            return dict(net)

    # instances
    def _h_instances(self, req: _Request) -> list:
        with self.cluster.lock:
            if req.flag("bulk"):
                return list(self.cluster.instances.values())
            return [{"id": i, "uri": f"/2/instances/{i}"} for i in self.cluster.instances]

    def _instance(self, name: str) -> dict:
        inst = self.cluster.instances.get(name)
        if inst is None:
            raise HttpError(404)
        return inst

    def _h_instance(self, req: _Request) -> dict:
        with self.cluster.lock:
            return dict(self._instance(req.args["name"]))

    def _h_instance_create(self, req: _Request) -> int:
        body = req.body_dict()
        version = body.pop("__version__", 0)
        if version == 0:
            raise HttpError(400, "Instance creation request version 0 is no longer supported")
        if version != 1:
            raise HttpError(400, f"Unsupported request data version {version}")
        op = self._op(
            "OP_INSTANCE_CREATE", req, body, {}, rename={"os": "os_type", "name": "instance_name"}
        )
        for key in ("mode", "instance_name", "disk_template", "disks", "nics"):
            if key not in op:
                raise HttpError(400, f"Invalid body parameters: missing parameter '{key}'")
        return self._submit(req, [op])

    def _h_instances_multi_alloc(self, req: _Request) -> int:
        body = req.body_dict()
        if "instances" not in body:
            raise HttpError(400, "Request is missing required 'instances' field in body")
        allocs = [
            self._op(
                "OP_INSTANCE_CREATE", req, i, {}, rename={"os": "os_type", "name": "instance_name"}
            )
            for i in body.pop("instances")
        ]
        for a in allocs:
            a.pop("OP_ID")
        op = self._op("OP_INSTANCE_MULTI_ALLOC", req, body, {"instances": allocs})
        return self._submit(req, [op])

    def _inst_op(
        self,
        op_id: str,
        req: _Request,
        static: dict | None = None,
        body: dict | None = None,
        rename: dict | None = None,
    ) -> int:
        op = self._op(
            op_id,
            req,
            req.body_dict() if body is None else body,
            {"instance_name": req.args["name"], **(static or {})},
            rename,
        )
        return self._submit(req, [op])

    def _h_instance_delete(self, req: _Request) -> int:
        return self._inst_op("OP_INSTANCE_REMOVE", req, {"ignore_failures": False})

    def _h_instance_info(self, req: _Request) -> int:
        op = {
            "OP_ID": "OP_INSTANCE_QUERY_DATA",
            "instances": [req.args["name"]],
            "static": req.flag("static"),
            "use_locking": True,
        }
        return self._submit(req, [op], dry_run=False)

    def _h_instance_reboot(self, req: _Request) -> int:
        kind = req.string("type") or "hard"
        if kind not in ("soft", "hard", "full"):
            raise HttpError(400, f"Invalid body parameters: reboot type '{kind}'")
        return self._inst_op(
            "OP_INSTANCE_REBOOT",
            req,
            {"reboot_type": kind, "ignore_secondaries": req.flag("ignore_secondaries")},
        )

    def _h_instance_startup(self, req: _Request) -> int:
        return self._inst_op(
            "OP_INSTANCE_STARTUP",
            req,
            {"force": req.flag("force"), "no_remember": req.flag("no_remember")},
            body={},
        )

    def _h_instance_shutdown(self, req: _Request) -> int:
        return self._inst_op("OP_INSTANCE_SHUTDOWN", req, {"no_remember": req.flag("no_remember")})

    def _h_instance_reinstall(self, req: _Request) -> int:
        body = req.body_dict()
        if body and req.query.get("os"):
            raise HttpError(400, "Can't combine query and body parameters")
        if not body and req.query:
            body = {"os": req.string("os"), "start": not req.flag("nostartup")}
        unknown = set(body) - {"os", "start", "osparams"}
        if unknown:
            raise HttpError(400, f"Invalid body parameters: {sorted(unknown)}")
        name = req.args["name"]
        ops: list[dict[str, Any]] = [
            {"OP_ID": "OP_INSTANCE_SHUTDOWN", "instance_name": name},
            {
                "OP_ID": "OP_INSTANCE_REINSTALL",
                "instance_name": name,
                "os_type": body.get("os"),
                "osparams": body.get("osparams"),
            },
        ]
        if body.get("start", True):
            ops.append({"OP_ID": "OP_INSTANCE_STARTUP", "instance_name": name, "force": False})
        return self._submit(req, ops)

    def _h_instance_replace_disks(self, req: _Request) -> int:
        body = req.body_dict()
        if not body and req.query:
            # Ganeti before 2.x took query arguments; 3.0 still reads them without a body.
            body = {k: req.string(k) for k in ("remote_node", "mode", "disks", "iallocator")}
            body = {k: v for k, v in body.items() if v is not None}
        if isinstance(body.get("disks"), str):
            try:
                body["disks"] = [int(d) for d in body["disks"].split(",") if d.strip()]
            except ValueError as exc:
                raise HttpError(400, f"Invalid disk index passed: {exc}") from None
        op = self._op("OP_INSTANCE_REPLACE_DISKS", req, body, {"instance_name": req.args["name"]})
        _require(
            op,
            "mode",
            ("replace_on_primary", "replace_on_secondary", "replace_new_secondary", "replace_auto"),
        )
        return self._submit(req, [op])

    def _h_instance_export(self, req: _Request) -> int:
        op = self._op(
            "OP_BACKUP_EXPORT",
            req,
            req.body_dict(),
            {"instance_name": req.args["name"]},
            rename={"destination": "target_node"},
        )
        _require(op, "mode", ("local", "remote"), default="local")
        _require(op, "target_node")
        return self._submit(req, [op])

    def _h_query_export(self, req: _Request) -> dict:
        body = req.body_dict() if req.method == "PUT" else {}
        fields = body.get("fields") or (req.string("fields") or "").split(",")
        if not [f for f in fields if f]:
            raise HttpError(400, "Missing 'fields' query argument")
        with self.cluster.lock:
            return self.cluster.query_exports([f for f in fields if f])

    def _h_query_export_fields(self, req: _Request) -> dict:
        with self.cluster.lock:
            return {"fields": self.cluster.query_exports(["export", "node"])["fields"]}

    def _h_instance_activate_disks(self, req: _Request) -> int:
        return self._inst_op(
            "OP_INSTANCE_ACTIVATE_DISKS", req, {"ignore_size": req.flag("ignore_size")}, body={}
        )

    def _h_instance_deactivate_disks(self, req: _Request) -> int:
        return self._inst_op(
            "OP_INSTANCE_DEACTIVATE_DISKS", req, {"force": req.flag("force")}, body={}
        )

    def _h_instance_migrate(self, req: _Request) -> int:
        return self._inst_op("OP_INSTANCE_MIGRATE", req)

    def _h_instance_failover(self, req: _Request) -> int:
        return self._inst_op("OP_INSTANCE_FAILOVER", req)

    def _h_instance_rename(self, req: _Request) -> int:
        return self._inst_op("OP_INSTANCE_RENAME", req)

    def _h_instance_modify(self, req: _Request) -> int:
        return self._inst_op(
            "OP_INSTANCE_SET_PARAMS",
            req,
            rename={"custom_beparams": "beparams", "custom_hvparams": "hvparams"},
        )

    def _h_instance_grow_disk(self, req: _Request) -> int:
        return self._inst_op("OP_INSTANCE_GROW_DISK", req, {"disk": int(req.args["disk"])})

    def _h_instance_console(self, req: _Request) -> dict:
        with self.cluster.lock:
            inst = self._instance(req.args["name"])
            if not inst["oper_state"]:
                raise HttpError(503, "Instance console unavailable")
            hv = self.cluster.meta[inst["name"]].hypervisor
            if hv == "kvm" and inst["hvparams"].get("serial_console"):
                # Ganeti's KVM answer: socat to the serial socket over SSH to the node.
                name = inst["name"]
                ctrl = "/var/run/ganeti/kvm-hypervisor/ctrl"
                return {
                    "instance": name,
                    "kind": "ssh",
                    "host": inst["pnode"],
                    "port": self.cluster.nodes[inst["pnode"]]["ndparams"].get("ssh_port", 22),
                    "user": "root",
                    "command": [
                        "/usr/lib/ganeti/tools/kvm-console-wrapper",
                        "/usr/bin/socat",
                        name,
                        f"{ctrl}/{name}.monitor",
                        "STDIO,raw,echo=0,escape=0x1d",
                        f"UNIX-CONNECT:{ctrl}/{name}.serial",
                    ],
                }
            if hv == "kvm" and inst["network_port"]:
                return {
                    "instance": inst["name"],
                    "kind": "vnc",
                    "host": inst["pnode"],
                    "port": inst["network_port"],
                    "display": inst["network_port"] - 5900,
                }
            return {
                "instance": inst["name"],
                "kind": "msg",
                "message": f"Console not available for {hv} hypervisor",
            }

    # jobs
    _BULK_FIELDS = (
        "id",
        "ops",
        "status",
        "summary",
        "opstatus",
        "received_ts",
        "start_ts",
        "end_ts",
    )

    def _h_jobs(self, req: _Request) -> list:
        with self.queue._changed:
            jobs = list(self.queue.jobs.values())
            if req.flag("bulk"):
                return [{f: j.field(f) for f in self._BULK_FIELDS} for j in jobs]
            return [{"id": j.id, "uri": f"/2/jobs/{j.id}"} for j in jobs]

    def _h_job(self, req: _Request) -> dict:
        fields = (*self._BULK_FIELDS, "oplog", "opresult")
        job_id = int(req.args["id"])
        with self.queue._changed:
            job = self.queue.get(job_id)
            if job is None:
                # Ganeti 3.0 answers 200 with every field null for an unknown id.
                return {f: (job_id if f == "id" else None) for f in fields}
            return {f: job.field(f) for f in fields}

    def _h_job_cancel(self, req: _Request) -> list:
        return self.queue.cancel(int(req.args["id"]))

    def _h_job_wait(self, req: _Request) -> Any:
        body = req.body_dict()
        fields = body.get("fields")
        if not isinstance(fields, list):
            raise HttpError(400, "The 'fields' parameter should be a list")
        try:
            result = self.queue.wait(
                int(req.args["id"]),
                fields,
                body.get("previous_job_info"),
                body.get("previous_log_serial"),
            )
        except KeyError:
            raise HttpError(500, "Can't load job file") from None
        return result

    # filters
    def _h_filters(self, req: _Request) -> list:
        with self.queue._changed:
            if req.flag("bulk"):
                return [f.to_dict() for f in self.queue.filters.values()]
            return [{"uuid": u, "uri": f"/2/filters/{u}"} for u in self.queue.filters]

    def _h_filter(self, req: _Request) -> dict:
        f = self.queue.filters.get(req.args["uuid"])
        if f is None:
            raise HttpError(404)
        return f.to_dict()

    def _h_filter_add(self, req: _Request) -> str:
        body = req.body_dict()
        unknown = set(body) - {"priority", "predicates", "action", "reason"}
        if unknown:
            raise HttpError(
                400,
                "Invalid body parameters: filter rule doesn't support the"
                f" parameter '{sorted(unknown)[0]}'",
            )
        return self.queue.add_filter(
            int(body.get("priority", 0)),
            list(body.get("predicates", [])),
            body.get("action", "CONTINUE"),
        )

    def _h_filter_delete(self, req: _Request) -> None:
        if not self.queue.delete_filter(req.args["uuid"]):
            raise HttpError(500, "Filter not found")
        return None


def _require(
    op: dict[str, Any], key: str, allowed: tuple[str, ...] | None = None, default: Any = None
) -> None:
    """Ganeti's opcode validation in FillOpcode: a missing or wrong value is a 400."""
    if op.get(key) is None and default is not None:
        op[key] = default
    value = op.get(key)
    if value is None or (allowed is not None and value not in allowed):
        raise HttpError(
            400,
            f"Invalid body parameters: (\"Parameter '{op['OP_ID']}.{key}' fails validation\","
            " 'wrong_input')",
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type, sim: RapiSimulator):
        self.sim = sim
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        raw, addr = self.socket.accept()
        # Headers and body go out in separate writes; without NODELAY the
        # second waits for the client's delayed ACK (40 ms per request).
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The handshake runs in the handler thread (do_handshake_on_connect
        # false), so a slow client can't stall the accept loop.
        ctx = self.sim._contexts[self.sim.faults.wrong_certificate]
        tls = ctx.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        with self.sim._lock:
            self.sim.connections += 1
        with self._open_lock:
            self._open.add(tls)
        return tls, addr

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        with self._open_lock:
            for s in list(self._open):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, unlike Ganeti's daemon
    server_version = "Ganeti 3.0.2 (simulator)"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end after this
    server: _Server

    def setup(self) -> None:
        self.request.settimeout(5)
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError):
            self._handshake_failed = True
        else:
            self._handshake_failed = False
        super().setup()

    def handle(self) -> None:
        if not self._handshake_failed:
            with contextlib.suppress(ssl.SSLError, OSError):  # client went away
                super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests stay quiet; requests are recorded instead

    def do_GET(self) -> None:
        self._serve("GET")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _authenticate(self) -> tuple[str | None, str | None, bool]:
        header = self.headers.get("Authorization")
        if not header:
            return None, self.server.sim.anonymous_access, False
        scheme, _, token = header.partition(" ")
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None, True
        entry = self.server.sim.users.get(user)
        if scheme.lower() != "basic" or entry is None or entry[0] != password:
            return user, None, True
        return user, entry[1], True

    def _serve(self, method: str) -> None:
        sim = self.server.sim
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        user, access, had_auth = self._authenticate()
        body: Any = None
        headers: dict[str, str] = {}
        slow: Fault | None = None
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise HttpError(413)
            raw = self.rfile.read(length) if length else b""
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise HttpError(400, "Unable to parse JSON data") from None
            faults = {f.kind: f for f in sim.faults.take(method, path)}
            for kind in ("latency", "hang"):
                if kind in faults:
                    time.sleep(faults[kind].seconds)
            if "hang" in faults or "drop" in faults:
                sim._record(RecordedRequest(method, path, query, user, had_auth, body, 0))
                self.close_connection = True
                return
            if access is None or "unauthorized" in faults:
                raise HttpError(
                    401, headers={"WWW-Authenticate": 'Basic realm="Ganeti Remote API"'}
                )
            if "forbidden" in faults:
                raise HttpError(403)
            if "status" in faults:
                raise HttpError(faults["status"].status, faults["status"].message)
            status, payload = 200, sim.dispatch(method, path, query, body, user, access)
            if "lost_answer" in faults:
                time.sleep(faults["lost_answer"].seconds)
                sim._record(RecordedRequest(method, path, query, user, had_auth, body, 0))
                self.close_connection = True
                return
            if "malformed_json" in faults:
                payload = payload[: max(1, len(payload) // 2)] + b"<html>"
            slow = faults.get("slow_body")
        except HttpError as err:
            reply = {
                "code": err.status,
                "message": html.escape(err.message),
                "explain": HTTPStatus(err.status).description,
            }
            status, payload, headers = err.status, json.dumps(reply).encode(), err.headers
        # Recorded before answering, so a test sees it once the client has the answer.
        sim._record(RecordedRequest(method, path, query, user, had_auth, body, status))
        if slow:
            self._send_slowly(payload, slow)
        else:
            self._send(status, payload, headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)

    def _send_slowly(self, payload: bytes, fault: Fault) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        step = max(1, len(payload) // max(1, fault.chunks))
        for i in range(0, len(payload), step):
            self.wfile.write(payload[i : i + step])
            self.wfile.flush()
            time.sleep(fault.seconds)
