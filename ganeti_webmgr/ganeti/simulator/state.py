"""A simulated cluster's state as JSON, so a simulator can stop and start again.

What users did to the cluster (VMs created, removed, renamed, stopped) is all in
the ``SimCluster``; the job counter comes along so job ids are never reused (GWM
keeps one job row per cluster and Ganeti job id). Jobs themselves are not kept:
a restarted Ganeti master would finish them, a restarted simulator forgets them.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from .certs import write_private
from .cluster import SimCluster, _Meta

VERSION = 1


def to_dict(cluster: SimCluster, next_job_id: int = 1) -> dict[str, Any]:
    with cluster.lock:
        version, internal, gauss = cluster.rng.getstate()
        return {
            "version": VERSION,
            "info": cluster._info,
            "groups": cluster.groups,
            "nodes": cluster.nodes,
            "instances": cluster.instances,
            "meta": {name: dataclasses.asdict(m) for name, m in cluster.meta.items()},
            "networks": cluster.networks,
            "exports": cluster.exports,
            "os_names": cluster.os_names,
            "os_parameters": cluster.os_parameters,
            "bridges": sorted(cluster.bridges),
            "hosts": cluster.hosts,
            "mac": cluster._mac,
            # Without it a restarted cluster would hand out the UUIDs of its first life.
            "rng": [version, list(internal), gauss],
            "next_job_id": next_job_id,
        }


def from_dict(data: dict[str, Any]) -> tuple[SimCluster, int]:
    """The cluster and the next job id ``to_dict`` saved."""
    if data.get("version") != VERSION:
        raise ValueError(f"unknown simulator state version {data.get('version')!r}")
    cluster = SimCluster(data["info"]["name"])
    cluster._info = data["info"]
    cluster.groups = data["groups"]
    cluster.nodes = data["nodes"]
    cluster.instances = data["instances"]
    cluster.meta = {name: _Meta(**m) for name, m in data["meta"].items()}
    cluster.networks = data["networks"]
    cluster.exports = data["exports"]
    cluster.os_names = data["os_names"]
    cluster.os_parameters = data.get("os_parameters", {})
    cluster.bridges = set(data["bridges"])
    cluster.hosts = data["hosts"]
    cluster._mac = data["mac"]
    version, internal, gauss = data["rng"]
    cluster.rng.setstate((version, tuple(internal), gauss))
    return cluster, int(data["next_job_id"])


def save(path: Path, cluster: SimCluster, next_job_id: int = 1) -> None:
    """Write the state by rename: a crash mid-write leaves the previous state whole."""
    write_private(path, json.dumps(to_dict(cluster, next_job_id)).encode())


def load(path: Path) -> tuple[SimCluster, int] | None:
    """The saved cluster and next job id, or None when nothing was saved yet."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return from_dict(json.loads(text))
