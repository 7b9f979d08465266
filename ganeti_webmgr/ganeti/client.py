"""The RAPI client: one object per cluster, one method per operation GWM needs.

Writes return the Ganeti job id (``int``); :meth:`RapiClient.wait_for_job`
follows a job to its end. Names and parameters follow Ganeti's
``doc/rapi.rst`` and ``lib/rapi/client.py``; query arguments are encoded the
same way (``dry-run=1``, ``force=1``, ``bulk=1``, repeated ``tag=``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Literal

from . import errors
from .models import ClusterInfo, ConsoleInfo, Instance, Job, JobChange, LogEntry, Node
from .tls import TlsTrust
from .transport import Timeouts, Transport, quote_name

TagKind = Literal["cluster", "node", "instance", "group", "network"]
RebootType = Literal["soft", "hard", "full"]
NodeRole = Literal["master-candidate", "regular", "drained", "offline"]
DeviceAction = Literal["add", "remove", "modify"]
ExportMode = Literal["local", "remote"]
ReplaceMode = Literal[
    "replace_on_primary", "replace_on_secondary", "replace_new_secondary", "replace_auto"
]

_TAG_PATHS = {"node": "nodes", "instance": "instances", "group": "groups", "network": "networks"}
#: fields asked from /2/jobs/ID/wait
_WAIT_FIELDS = ["status", "opstatus"]
#: Ganeti's /wait blocks up to 10 s server-side; our read timeout must be longer.
_WAIT_READ_TIMEOUT = 20.0


class RapiClient:
    """Client for one Ganeti cluster's Remote API (version 2).

    ``url`` is ``https://host[:port]`` (port 5080 by default). ``trust`` says
    how the certificate is verified (see :mod:`.tls`); ``name`` labels errors
    and log lines (defaults to ``host:port``). Thread-safe: the connection pool
    is shared, nothing else is mutable.
    """

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        trust: TlsTrust | None = None,
        name: str | None = None,
        timeouts: Timeouts | None = None,
        retries: int = 2,
        backoff: float = 0.2,
        max_response_bytes: int = 256 * 1024 * 1024,
        max_connections: int = 4,
    ):
        self._transport = Transport(
            url,
            username=username,
            password=password,
            trust=trust,
            cluster=name,
            timeouts=timeouts,
            retries=retries,
            backoff=backoff,
            max_response_bytes=max_response_bytes,
            max_connections=max_connections,
        )

    def __repr__(self) -> str:
        t = self._transport
        return f"<RapiClient {t.cluster} {t.url} user={t.username!r} trust={t.trust.describe()}>"

    def __enter__(self) -> RapiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self._transport.cluster

    @property
    def url(self) -> str:
        return self._transport.url

    def close(self) -> None:
        """Close pooled connections."""
        self._transport.close()

    # -- low level ----------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, Any]] | None = None,
        body: Any = None,
        read_timeout: float | None = None,
    ) -> Any:
        """Any RAPI call not wrapped below; returns the decoded JSON."""
        kwargs: dict[str, Any] = {"query": query, "read_timeout": read_timeout}
        if body is not None:
            kwargs["body"] = body
        return self._transport.request(method, path, **kwargs)

    def _get(self, path: str, query: list[tuple[str, Any]] | None = None) -> Any:
        return self._transport.request("GET", path, query=query)

    def _submit(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, Any]] | None = None,
        body: Any = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Send a write and return the job id Ganeti answers with."""
        query = list(query or [])
        if dry_run:
            query.append(("dry-run", 1))
        if reason:
            # Ganeti puts it in the job's reason trail ("gnt:user").
            query.append(("reason", reason))
        kwargs: dict[str, Any] = {"query": query}
        if body is not None:
            kwargs["body"] = body
        result = self._transport.request(method, path, **kwargs)
        return self._job_id(result, method, path)

    def _job_id(self, value: Any, method: str, path: str) -> int:
        # Ganeti 2.x answers "123", 3.x answers 123.
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise errors.RapiMalformedResponse(
                f"expected a job id, got {type(value).__name__}",
                cluster=self.name,
                method=method,
                path=path,
            )
        try:
            return int(value)
        except ValueError:
            raise errors.RapiMalformedResponse(
                "expected a job id, got a non-numeric string",
                cluster=self.name,
                method=method,
                path=path,
            ) from None

    def _expect(self, value: Any, kind: type | tuple[type, ...], path: str) -> Any:
        if not isinstance(value, kind):
            raise errors.RapiMalformedResponse(
                f"unexpected answer of type {type(value).__name__}",
                cluster=self.name,
                method="GET",
                path=path,
            )
        return value

    def _list_of_dicts(self, path: str, query: list[tuple[str, Any]] | None = None) -> list[dict]:
        items = self._expect(self._get(path, query), list, path)
        if not all(isinstance(i, dict) for i in items):
            raise errors.RapiMalformedResponse(
                "expected a list of objects", cluster=self.name, method="GET", path=path
            )
        return items

    def _names(self, path: str, key: str) -> list[str]:
        return [str(item.get(key)) for item in self._list_of_dicts(path)]

    # -- cluster -------------------------------------------------------------
    def version(self) -> int:
        """RAPI version (2 for every Ganeti since 2.0)."""
        return self._expect(self._transport.request("GET", "/version"), int, "/version")

    def info(self) -> ClusterInfo:
        return ClusterInfo.from_dict(self._expect(self._get("/2/info"), dict, "/2/info"))

    def features(self) -> list[str]:
        return [str(f) for f in self._expect(self._get("/2/features"), list, "/2/features")]

    def operating_systems(self) -> list[str]:
        """OS names with variants, e.g. ``["debootstrap+default"]`` (runs a job server-side)."""
        return [str(o) for o in self._expect(self._get("/2/os"), list, "/2/os")]

    def redistribute_config(self, *, reason: str | None = None) -> int:
        return self._submit("PUT", "/2/redistribute-config", reason=reason)

    # -- tags ----------------------------------------------------------------
    def _tags_path(self, kind: TagKind, name: str | None) -> str:
        if kind == "cluster":
            return "/2/tags"
        if kind not in _TAG_PATHS or not name:
            raise errors.RapiConfigError(f"tags of a {kind} need the {kind}'s name")
        return f"/2/{_TAG_PATHS[kind]}/{quote_name(name)}/tags"

    def get_tags(self, kind: TagKind, name: str | None = None) -> list[str]:
        path = self._tags_path(kind, name)
        return [str(t) for t in self._expect(self._get(path), list, path)]

    def add_tags(
        self,
        kind: TagKind,
        tags: Iterable[str],
        name: str | None = None,
        *,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        query = [("tag", t) for t in tags]
        return self._submit(
            "PUT", self._tags_path(kind, name), query=query, dry_run=dry_run, reason=reason
        )

    def delete_tags(
        self,
        kind: TagKind,
        tags: Iterable[str],
        name: str | None = None,
        *,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        query = [("tag", t) for t in tags]
        return self._submit(
            "DELETE", self._tags_path(kind, name), query=query, dry_run=dry_run, reason=reason
        )

    # -- nodes ---------------------------------------------------------------
    def list_nodes(self) -> list[str]:
        return self._names("/2/nodes", "id")

    def list_nodes_bulk(self) -> list[Node]:
        return [Node.from_dict(n) for n in self._list_of_dicts("/2/nodes", [("bulk", 1)])]

    def get_node(self, name: str) -> Node:
        path = f"/2/nodes/{quote_name(name)}"
        return Node.from_dict(self._expect(self._get(path), dict, path))

    def get_node_role(self, name: str) -> str:
        """``master``, ``master-candidate``, ``regular``, ``drained`` or ``offline``."""
        path = f"/2/nodes/{quote_name(name)}/role"
        return self._expect(self._get(path), str, path)

    def set_node_role(
        self,
        name: str,
        role: NodeRole,
        *,
        force: bool = False,
        auto_promote: bool | None = None,
        reason: str | None = None,
    ) -> int:
        """The master's role can't be changed here (Ganeti: use master-failover)."""
        query: list[tuple[str, Any]] = [("force", 1)] if force else []
        if auto_promote is not None:
            query.append(("auto-promote", auto_promote))
        return self._submit(
            "PUT", f"/2/nodes/{quote_name(name)}/role", query=query, body=role, reason=reason
        )

    def migrate_node(
        self,
        name: str,
        *,
        mode: Literal["live", "non-live"] | None = None,
        iallocator: str | None = None,
        target_node: str | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Migrate all primary instances away (request format ``node-migrate-reqv1``).

        The job's result lists one migration job per primary instance
        (``{"jobs": [[true, id], ...]}``).
        """
        body = _drop_none(mode=mode, iallocator=iallocator, target_node=target_node)
        return self._submit(
            "POST",
            f"/2/nodes/{quote_name(name)}/migrate",
            body=_with_dry_run(body, dry_run),
            reason=reason,
        )

    def evacuate_node(
        self,
        name: str,
        *,
        mode: Literal["primary-only", "secondary-only", "all"] | None = None,
        iallocator: str | None = None,
        remote_node: str | None = None,
        early_release: bool | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Move instances off a node (result format ``node-evac-res1``).

        Ganeti 3.0 needs ``mode`` (``primary-only`` or ``secondary-only``; ``all``
        is refused). ``dry_run`` goes in the query, the only way this resource
        takes it; see :func:`evacuated_instances` for what a dry run tells.
        """
        if iallocator and remote_node:
            raise errors.RapiConfigError("give either an iallocator or a remote node, not both")
        body = _drop_none(
            mode=mode, iallocator=iallocator, remote_node=remote_node, early_release=early_release
        )
        return self._submit(
            "POST",
            f"/2/nodes/{quote_name(name)}/evacuate",
            body=body,
            dry_run=dry_run,
            reason=reason,
        )

    def modify_node(self, name: str, *, reason: str | None = None, **params: Any) -> int:
        """Change node parameters (``offline``, ``drained``, ``ndparams``, ...)."""
        return self._submit(
            "POST", f"/2/nodes/{quote_name(name)}/modify", body=params, reason=reason
        )

    def get_node_storage(
        self, name: str, storage_type: str, output_fields: Iterable[str] = ("name", "size", "free")
    ) -> int:
        """Query storage units; the answer is a job whose result holds the rows.

        Ganeti requires a write user for this (it takes locks).
        """
        query = [("storage_type", storage_type), ("output_fields", ",".join(output_fields))]
        path = f"/2/nodes/{quote_name(name)}/storage"
        return self._job_id(self._get(path, query), "GET", path)

    def modify_node_storage(
        self,
        name: str,
        storage_type: str,
        unit: str,
        *,
        allocatable: bool | None = None,
        reason: str | None = None,
    ) -> int:
        query: list[tuple[str, Any]] = [("storage_type", storage_type), ("name", unit)]
        if allocatable is not None:
            query.append(("allocatable", allocatable))
        return self._submit(
            "PUT", f"/2/nodes/{quote_name(name)}/storage/modify", query=query, reason=reason
        )

    def repair_node_storage(
        self, name: str, storage_type: str, unit: str, *, reason: str | None = None
    ) -> int:
        query = [("storage_type", storage_type), ("name", unit)]
        return self._submit(
            "PUT", f"/2/nodes/{quote_name(name)}/storage/repair", query=query, reason=reason
        )

    # -- groups and networks -----------------------------------------------------
    def list_groups(self) -> list[str]:
        return self._names("/2/groups", "name")

    def list_groups_bulk(self) -> list[dict[str, Any]]:
        return self._list_of_dicts("/2/groups", [("bulk", 1)])

    def get_group(self, name: str) -> dict[str, Any]:
        path = f"/2/groups/{quote_name(name)}"
        return self._expect(self._get(path), dict, path)

    def list_networks(self) -> list[str]:
        return self._names("/2/networks", "name")

    def list_networks_bulk(self) -> list[dict[str, Any]]:
        return self._list_of_dicts("/2/networks", [("bulk", 1)])

    def get_network(self, name: str) -> dict[str, Any]:
        path = f"/2/networks/{quote_name(name)}"
        return self._expect(self._get(path), dict, path)

    # -- instances -------------------------------------------------------------
    def list_instances(self) -> list[str]:
        return self._names("/2/instances", "id")

    def list_instances_bulk(self) -> list[Instance]:
        return [Instance.from_dict(i) for i in self._list_of_dicts("/2/instances", [("bulk", 1)])]

    def get_instance(self, name: str) -> Instance:
        path = f"/2/instances/{quote_name(name)}"
        return Instance.from_dict(self._expect(self._get(path), dict, path))

    def get_instance_info(self, name: str, *, static: bool = False) -> int:
        """Detailed (live) instance data; the answer is a job whose result holds it."""
        path = f"/2/instances/{quote_name(name)}/info"
        return self._job_id(self._get(path, [("static", static)]), "GET", path)

    @staticmethod
    def instance_allocation(
        name: str,
        *,
        disk_template: str,
        disks: list[dict[str, Any]],
        nics: list[dict[str, Any]],
        os: str,
        mode: str = "create",
        **params: Any,
    ) -> dict[str, Any]:
        """One instance definition, as used by create and multi-allocation.

        ``params`` are further opcode fields: ``pnode``, ``snode``,
        ``iallocator``, ``hypervisor``, ``beparams``, ``hvparams``,
        ``osparams``, ``start``, ``no_install``, ``ip_check``, ``name_check``...
        """
        return {
            "mode": mode,
            "instance_name": name,
            "disk_template": disk_template,
            "disks": disks,
            "nics": nics,
            "os_type": os,
            **params,
        }

    def create_instance(
        self,
        name: str,
        *,
        disk_template: str,
        disks: list[dict[str, Any]],
        nics: list[dict[str, Any]],
        os: str,
        mode: str = "create",
        dry_run: bool = False,
        reason: str | None = None,
        **params: Any,
    ) -> int:
        """Create an instance with the version-1 request (``instance-create-reqv1``)."""
        body = {"__version__": 1}
        body.update(
            self.instance_allocation(
                name,
                disk_template=disk_template,
                disks=disks,
                nics=nics,
                os=os,
                mode=mode,
                **params,
            )
        )
        return self._submit("POST", "/2/instances", body=body, dry_run=dry_run, reason=reason)

    def create_instances(
        self,
        allocations: list[dict[str, Any]],
        *,
        iallocator: str | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Multi-allocation of :meth:`instance_allocation` dicts.

        The job's result is ``{"allocatable": [...], "failed": [...],
        "jobs": [[ok, job_id_or_error], ...]}``: one creation job per instance.
        """
        body: dict[str, Any] = {"instances": allocations}
        if iallocator:
            body["iallocator"] = iallocator
        return self._submit(
            "POST", "/2/instances-multi-alloc", body=body, dry_run=dry_run, reason=reason
        )

    def delete_instance(
        self,
        name: str,
        *,
        shutdown_timeout: int | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        body = _drop_none(shutdown_timeout=shutdown_timeout) or None
        return self._submit(
            "DELETE", f"/2/instances/{quote_name(name)}", body=body, dry_run=dry_run, reason=reason
        )

    def startup_instance(
        self,
        name: str,
        *,
        force: bool = False,
        no_remember: bool = False,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        query = [("force", 1)] if force else []
        if no_remember:
            query.append(("no_remember", 1))
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/startup",
            query=query,
            dry_run=dry_run,
            reason=reason,
        )

    def shutdown_instance(
        self,
        name: str,
        *,
        timeout: int | None = None,
        no_remember: bool = False,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Shut down; ``timeout`` (seconds) before Ganeti forces it off (default 120)."""
        query = [("no_remember", 1)] if no_remember else []
        body = _drop_none(timeout=timeout)
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/shutdown",
            query=query,
            body=body,
            dry_run=dry_run,
            reason=reason,
        )

    def reboot_instance(
        self,
        name: str,
        reboot_type: RebootType = "soft",
        *,
        ignore_secondaries: bool | None = None,
        shutdown_timeout: int | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """``soft``: inside the guest; ``hard``: stop and start the hypervisor process;
        ``full``: like hard, also re-creating the configuration."""
        if reboot_type not in ("soft", "hard", "full"):
            raise errors.RapiConfigError(f"unknown reboot type {reboot_type!r}")
        query: list[tuple[str, Any]] = [("type", reboot_type)]
        if ignore_secondaries is not None:
            query.append(("ignore_secondaries", ignore_secondaries))
        body = _drop_none(shutdown_timeout=shutdown_timeout)
        return self._submit(
            "POST",
            f"/2/instances/{quote_name(name)}/reboot",
            query=query,
            body=body,
            dry_run=dry_run,
            reason=reason,
        )

    def reinstall_instance(
        self,
        name: str,
        *,
        os: str | None = None,
        start: bool = True,
        osparams: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> int:
        """Reinstall the OS (request format ``instance-reinstall-reqv1``).

        Ganeti shuts the instance down first and, with ``start``, starts it again.
        """
        body: dict[str, Any] = {"start": start, **_drop_none(os=os, osparams=osparams)}
        return self._submit(
            "POST", f"/2/instances/{quote_name(name)}/reinstall", body=body, reason=reason
        )

    def migrate_instance(
        self,
        name: str,
        *,
        mode: Literal["live", "non-live"] | None = None,
        cleanup: bool | None = None,
        target_node: str | None = None,
        iallocator: str | None = None,
        allow_failover: bool | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Live-migrate. Ganeti refuses plain/file ("does not allow migrations"); diskless
        and shared storage need ``target_node`` or an iallocator (the cluster's default)."""
        body = _drop_none(
            mode=mode,
            cleanup=cleanup,
            target_node=target_node,
            iallocator=iallocator,
            allow_failover=allow_failover,
        )
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/migrate",
            body=_with_dry_run(body, dry_run),
            reason=reason,
        )

    def failover_instance(
        self,
        name: str,
        *,
        iallocator: str | None = None,
        ignore_consistency: bool | None = None,
        target_node: str | None = None,
        shutdown_timeout: int | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        body = _drop_none(
            iallocator=iallocator,
            ignore_consistency=ignore_consistency,
            target_node=target_node,
            shutdown_timeout=shutdown_timeout,
        )
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/failover",
            body=_with_dry_run(body, dry_run),
            reason=reason,
        )

    def rename_instance(
        self,
        name: str,
        new_name: str,
        *,
        ip_check: bool | None = None,
        name_check: bool | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Rename a stopped instance. Both checks default to on in Ganeti: the new name
        must resolve (``resolver_error`` otherwise) and its IP must not answer."""
        body = {"new_name": new_name, **_drop_none(ip_check=ip_check, name_check=name_check)}
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/rename",
            body=_with_dry_run(body, dry_run),
            reason=reason,
        )

    def modify_instance(
        self, name: str, *, dry_run: bool = False, reason: str | None = None, **params: Any
    ) -> int:
        """Change instance parameters, e.g. ``beparams={"memory": 512}``,
        ``disks=[disk_change("remove", 1)]`` or ``nics=[nic_change("modify", 0, link="br1")]``
        (Ganeti's ``[op, identifier, params]`` lists; the legacy ``[op, params]`` works too)."""
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/modify",
            body=_with_dry_run(params, dry_run),
            reason=reason,
        )

    def remove_instance_disk(
        self,
        name: str,
        disk: int | str,
        *,
        hotplug: bool | None = None,
        hotplug_if_possible: bool | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Remove one disk (index, name or UUID). Ganeti refuses it while the instance is
        marked up unless the hypervisor hotplugs; removing the last disk makes it diskless
        for good (no disk can be added back)."""
        params = _drop_none(hotplug=hotplug, hotplug_if_possible=hotplug_if_possible)
        return self.modify_instance(
            name, disks=[disk_change("remove", disk)], dry_run=dry_run, reason=reason, **params
        )

    def modify_instance_nic(
        self,
        name: str,
        nic: int | str,
        *,
        link: str | None = None,
        mode: Literal["bridged", "routed", "openvswitch"] | None = None,
        mac: str | None = None,
        ip: str | None = None,
        network: str | None = None,
        nic_name: str | None = None,
        hotplug: bool | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Edit one NIC (index, name or UUID). ``ip="none"``/``network="none"`` clear them,
        ``ip="pool"`` takes one from ``network``, ``mac="generate"`` a new MAC; a NIC on a
        network keeps the network's link and mode."""
        params = _drop_none(link=link, mode=mode, mac=mac, ip=ip, network=network, name=nic_name)
        return self.modify_instance(
            name,
            nics=[nic_change("modify", nic, **params)],
            dry_run=dry_run,
            reason=reason,
            **_drop_none(hotplug=hotplug),
        )

    def export_instance(
        self,
        name: str,
        *,
        destination: str,
        mode: ExportMode = "local",
        shutdown: bool | None = None,
        remove_instance: bool | None = None,
        shutdown_timeout: int | None = None,
        long_sleep: bool | None = None,
        ignore_remove_failures: bool | None = None,
        compress: str | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Export to ``destination`` (a node name for ``local``); result ``[ok, [ok per disk]]``.

        A running instance whose disks cannot be snapshotted (file, anything but
        LVM) is refused unless ``long_sleep`` lets it stay down for the copy, and
        Ganeti leaves it shut down after that refusal. ``remove_instance`` deletes
        the instance once exported. :meth:`list_exports` shows the result.
        """
        body = {
            "mode": mode,
            "destination": destination,
            **_drop_none(
                shutdown=shutdown,
                remove_instance=remove_instance,
                shutdown_timeout=shutdown_timeout,
                long_sleep=long_sleep,
                ignore_remove_failures=ignore_remove_failures,
                compress=compress,
            ),
        }
        return self._submit(
            "PUT",
            f"/2/instances/{quote_name(name)}/export",
            body=_with_dry_run(body, dry_run),
            reason=reason,
        )

    def query(
        self, what: str, fields: Iterable[str], qfilter: list[Any] | None = None
    ) -> dict[str, Any]:
        """``/2/query/WHAT``: ``{"fields": [...], "data": [[[status, value], ...], ...]}``.

        Status 0 is a value; 2 (no data) marks e.g. a node without exports.
        """
        path = f"/2/query/{quote_name(what)}"
        body: dict[str, Any] = {"fields": list(fields)}
        if qfilter is not None:
            body["qfilter"] = qfilter
        data = self._transport.request("PUT", path, body=body)
        return self._expect(data, dict, path)

    def list_exports(self) -> dict[str, list[str]]:
        """Instance exports by node (``/2/query/export``); nodes without any map to ``[]``.

        RAPI cannot remove an export (``gnt-backup remove`` on the master can).
        """
        out: dict[str, list[str]] = {}
        for row in self.query("export", ["node", "export"]).get("data", []):
            (_, node), (status, export) = row
            names = out.setdefault(str(node), [])
            if status == 0 and export:
                names.append(str(export))
        return out

    def activate_instance_disks(
        self, name: str, *, ignore_size: bool = False, reason: str | None = None
    ) -> int:
        query = [("ignore_size", 1)] if ignore_size else []
        return self._submit(
            "PUT", f"/2/instances/{quote_name(name)}/activate-disks", query=query, reason=reason
        )

    def deactivate_instance_disks(
        self, name: str, *, force: bool = False, reason: str | None = None
    ) -> int:
        query = [("force", 1)] if force else []
        return self._submit(
            "PUT", f"/2/instances/{quote_name(name)}/deactivate-disks", query=query, reason=reason
        )

    def grow_instance_disk(
        self,
        name: str,
        disk: int,
        amount: int,
        *,
        wait_for_sync: bool | None = None,
        absolute: bool | None = None,
        reason: str | None = None,
    ) -> int:
        """Grow disk number ``disk`` by ``amount`` MiB (to ``amount`` with ``absolute``)."""
        body = {"amount": amount, **_drop_none(wait_for_sync=wait_for_sync, absolute=absolute)}
        return self._submit(
            "POST",
            f"/2/instances/{quote_name(name)}/disk/{int(disk)}/grow",
            body=body,
            reason=reason,
        )

    def replace_instance_disks(
        self,
        name: str,
        *,
        mode: ReplaceMode = "replace_auto",
        disks: list[int] | None = None,
        remote_node: str | None = None,
        iallocator: str | None = None,
        early_release: bool | None = None,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> int:
        """Replace DRBD disks (body form of Ganeti 3.0).

        ``disks`` only with ``replace_on_primary``/``replace_on_secondary``;
        ``remote_node`` or ``iallocator`` only with ``replace_new_secondary``,
        which needs one of them. Other templates are refused: "The instance has a
        strange layout, expected one secondary but found 0" (``internal_error``).
        """
        body = {
            "mode": mode,
            **_drop_none(
                disks=disks,
                remote_node=remote_node,
                iallocator=iallocator,
                early_release=early_release,
            ),
        }
        return self._submit(
            "POST",
            f"/2/instances/{quote_name(name)}/replace-disks",
            body=_with_dry_run(body, dry_run),
            reason=reason,
        )

    def get_instance_console(self, name: str) -> ConsoleInfo:
        """How to reach the console; Ganeti answers 503 while the instance is down."""
        path = f"/2/instances/{quote_name(name)}/console"
        return ConsoleInfo.from_dict(self._expect(self._get(path), dict, path))

    # -- jobs --------------------------------------------------------------------
    def list_jobs(self) -> list[int]:
        return [int(j["id"]) for j in self._list_of_dicts("/2/jobs")]

    def list_jobs_bulk(self) -> list[Job]:
        """All jobs Ganeti still keeps (without ``oplog``/``opresult``)."""
        return [Job.from_dict(j) for j in self._list_of_dicts("/2/jobs", [("bulk", 1)])]

    def find_jobs_by_reason(self, reason: str) -> list[int]:
        """Ids of the jobs Ganeti keeps that were submitted with ``reason=reason``
        (its "gnt:user" reason trail entry): finds a job whose submission's answer
        was lost."""
        return [job.id for job in self.list_jobs_bulk() if job.has_reason(reason)]

    def get_job(self, job_id: int) -> Job:
        path = f"/2/jobs/{int(job_id)}"
        data = self._expect(self._get(path), dict, path)
        if data.get("status") is None:
            # Ganeti answers 200 with every field null for an unknown job id.
            raise errors.RapiNotFound(
                f"job {job_id} not found", status=404, cluster=self.name, method="GET", path=path
            )
        return Job.from_dict(data)

    def wait_for_job_change(
        self,
        job_id: int,
        fields: list[str],
        previous_job_info: list[Any] | None = None,
        previous_log_serial: int | None = None,
    ) -> JobChange | None:
        """One long poll of ``/2/jobs/ID/wait``: returns when the fields change or a
        log entry arrives, ``None`` when nothing changed within Ganeti's ~10 s.

        Needs a RAPI user with write access.
        """
        path = f"/2/jobs/{int(job_id)}/wait"
        body = {
            "fields": fields,
            "previous_job_info": previous_job_info,
            "previous_log_serial": previous_log_serial,
        }
        try:
            data = self._transport.request("GET", path, body=body, read_timeout=_WAIT_READ_TIMEOUT)
        except errors.RapiServerError as exc:
            if "job file" in exc.message:  # Ganeti's answer for an unknown job id
                raise errors.RapiNotFound(
                    f"job {job_id} not found",
                    status=exc.status,
                    cluster=self.name,
                    method="GET",
                    path=path,
                ) from None
            raise
        if data is None:
            return None
        return JobChange.from_dict(self._expect(data, dict, path))

    def wait_for_job(
        self,
        job_id: int,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        on_log: Callable[[LogEntry], None] | None = None,
        raise_on_failure: bool = True,
    ) -> Job:
        """Follow a job to its end and return it.

        Long-polls ``/2/jobs/ID/wait``; a read-only user (403 there) falls back
        to polling ``/2/jobs/ID`` every ``poll_interval`` seconds. Raises
        :class:`~.errors.JobFailed` for ``error``/``canceled`` (unless
        ``raise_on_failure`` is false) and :class:`~.errors.JobWaitTimeout`
        after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        info: list[Any] | None = None
        serial: int | None = None
        long_poll = True
        while True:
            if long_poll:
                try:
                    change = self.wait_for_job_change(job_id, _WAIT_FIELDS, info, serial)
                except errors.RapiPermissionDenied:
                    long_poll = False
                    continue
                if change is not None:
                    info = change.job_info
                    for entry in change.log_entries:
                        serial = max(serial or 0, entry.serial)
                        if on_log:
                            on_log(entry)
                    if info and info[0] in ("success", "error", "canceled"):
                        break
            else:
                job = self.get_job(job_id)
                if job.finished:
                    break
                time.sleep(min(poll_interval, max(0.0, deadline - time.monotonic())))
            if time.monotonic() >= deadline:
                raise errors.JobWaitTimeout(
                    f"job {job_id} not finished after {timeout:g}s",
                    job_id=job_id,
                    cluster=self.name,
                    method="GET",
                    path=f"/2/jobs/{job_id}",
                )
        job = self.get_job(job_id)
        if on_log and not long_poll:
            for entry in job.log:
                on_log(entry)
        if raise_on_failure and job.status in ("error", "canceled"):
            raise errors.JobFailed(job, cluster=self.name)
        return job

    def cancel_job(self, job_id: int, *, dry_run: bool = False) -> tuple[bool, str]:
        """Cancel a job that has not started; ``(True, msg)`` if Ganeti dequeued it."""
        path = f"/2/jobs/{int(job_id)}"
        query = [("dry-run", 1)] if dry_run else None
        result = self._transport.request("DELETE", path, query=query)
        if not (isinstance(result, list) and len(result) == 2):
            raise errors.RapiMalformedResponse(
                "expected [success, message]", cluster=self.name, method="DELETE", path=path
            )
        return bool(result[0]), str(result[1])


def _with_dry_run(body: dict[str, Any], dry_run: bool) -> dict[str, Any]:
    # These resources ignore ?dry-run=1 and would run for real; the opcode's own
    # dry_run parameter in the body is honoured.
    return {**body, "dry_run": True} if dry_run else body


def disk_change(action: DeviceAction, disk: int | str = -1, **params: Any) -> list[Any]:
    """One entry of ``modify_instance(disks=[...])`` in Ganeti 3.0's ``[op, id, params]`` form.

    ``disk`` is an index (``-1``: the last one, or append for ``add``), a disk name or
    a UUID; ``remove`` takes no params.
    """
    return [action, disk, params]


def nic_change(action: DeviceAction, nic: int | str = -1, **params: Any) -> list[Any]:
    """One entry of ``modify_instance(nics=[...])``; params ``link``, ``mode``, ``mac``,
    ``ip``, ``network``, ``name`` (``"none"`` clears ip/network, ``mac="generate"``)."""
    return [action, nic, params]


def evacuated_instances(job: Job) -> list[str] | None:
    """The instances a node evacuation names in its log (dry run or not).

    Ganeti's dry run returns no result; its only answer is the line
    ``Evacuating instances from node 'N': a, b`` (``[]`` for "No instances to
    evacuate"). None when the job has neither line (it failed before it).
    """
    for entry in job.log:
        message = entry.message
        if "No instances to evacuate from node" in message:
            return []
        marker = "Evacuating instances from node '"
        if marker in message:
            _, _, names = message.partition("': ")
            return [n.strip() for n in names.split(",") if n.strip()]
    return None


def _drop_none(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
