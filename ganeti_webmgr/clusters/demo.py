"""The demo cluster: GWM's RAPI simulator, added as the cluster ``demo``.

``gwm-manage demo`` runs it (``make run`` asks it to, with ``--auto``); this module
holds what it decides and writes: where the simulator keeps its files, whether
``make run`` may start it, and the Cluster row that points at it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ganeti_webmgr import conf
from ganeti_webmgr.clusters.models import Cluster

SLUG = "demo"
# The simulator's user that may write (its other one only reads).
USERNAME = "gwm"
# Left behind by remove(): `make run` does not bring a removed demo back by itself.
REMOVED_MARKER = "removed"
PID_FILE = "pid"


def directory() -> Path:
    """The simulator's certificate, passwords and state, and the running demo's pid."""
    return Path(conf.current().get("paths", "data_dir")) / "demo"


def existing() -> Cluster | None:
    return Cluster.objects.filter(slug=SLUG).first()


def conflict() -> str:
    """Why no demo may run here at all ("" when it may)."""
    cluster = existing()
    if cluster is not None and not cluster.simulated:
        return f"a cluster named {SLUG!r} exists and is a real one: no demo beside it"
    return ""


def why_not_automatically() -> str:
    """Why `make run` does not start the demo ("" when it does).

    A demo beside clusters an operator added would mix made-up VMs with real ones, so
    it starts only on a site with no clusters or with nothing but the demo.
    """
    if reason := conflict():
        return reason
    if (directory() / REMOVED_MARKER).exists():
        return "the demo was removed (gwm-manage demo starts it again)"
    if Cluster.objects.exclude(slug=SLUG, simulated=True).exists():
        return "this site has clusters of its own"
    return ""


def register(port: int, password: str, fingerprint: str) -> tuple[Cluster, bool]:
    """Add or update the demo's row for a simulator on 127.0.0.1:port; True if added.

    How to reach the simulator is reset each time (its port may have moved); what an
    administrator may have changed besides, such as the description, is kept. A sync
    is due at once, so its VMs and nodes are listed within a worker tick.
    """
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().filter(slug=SLUG).first()
        created = cluster is None
        if created:
            cluster = Cluster(
                slug=SLUG,
                description="GWM's RAPI simulator, started by make run or gwm-manage demo: "
                "its nodes, VMs and jobs are made up. Remove it with gwm-manage demo --remove.",
            )
        cluster.hostname = "127.0.0.1"
        cluster.port = port
        cluster.username = USERNAME
        cluster.password = password
        cluster.fingerprint = fingerprint
        cluster.ca_certificates = ""
        cluster.simulated = True
        cluster.read_only = False
        cluster.auto_import = True
        cluster.next_sync_at = timezone.now()
        cluster.save()
    return cluster, created


def started() -> None:
    """A demo is starting explicitly: it is no longer removed."""
    (directory() / REMOVED_MARKER).unlink(missing_ok=True)


def remove() -> bool:
    """Forget the demo cluster (its row and its VMs', nodes', jobs' rows) and its files.

    True if there was a demo row. Leaves the marker that keeps `make run` from
    starting it again.
    """
    removed = False
    with transaction.atomic():
        cluster = existing()
        if cluster is not None and cluster.simulated:
            cluster.delete()
            removed = True
    path = directory()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    (path / REMOVED_MARKER).write_text("gwm-manage demo --remove\n")
    return removed
