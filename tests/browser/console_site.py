"""A simulator-backed cluster in a live GWM, for the browser tests that need no real
Ganeti (the consoles, dark mode).

The RAPI simulator runs in the pytest process; its VM's VNC console is a real Xvnc
(ganeti_webmgr.testing.vnc). Neither touches the Ganeti sandbox. The live site is
the session's, shared with the sandbox cluster's tests, which count what they see:
a simulated cluster is removed again when its tests are done (simulated_cluster).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from .site import BIN, LiveGWM

# Run by gwm-manage shell in the live site: the cluster, synced once, with its VNC password.
SEED = """
import json, sys
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.inventory import sync
spec = json.loads(sys.stdin.readline())
cluster, _ = Cluster.objects.update_or_create(slug=spec["slug"], defaults={
    "hostname": spec["host"], "port": spec["port"], "username": "gwm",
    "fingerprint": spec["fingerprint"]})
cluster.password = "gwm-secret"
cluster.save()
sync.sync_cluster(cluster)
settings, _ = ClusterConsole.objects.get_or_create(cluster=cluster)
settings.vnc_password = spec["vnc_password"]
settings.save()
"""


def add_simulated_cluster(site: LiveGWM, slug: str, sim, vnc_password: str) -> None:
    spec = {
        "slug": slug,
        "host": sim.host,
        "port": sim.port,
        "fingerprint": sim.fingerprint,
        "vnc_password": vnc_password,
    }
    subprocess.run(
        [str(BIN / "gwm-manage"), "shell", "-c", SEED],
        input=json.dumps(spec) + "\n",
        text=True,
        env=site.env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def simulated_cluster(site: LiveGWM, slug: str, sim, vnc_password: str = "") -> Iterator[None]:
    """The cluster in the live site while the block runs; removed from GWM afterwards."""
    add_simulated_cluster(site, slug, sim, vnc_password)
    try:
        yield
    finally:
        site.manage("cluster", "remove", slug, "--yes")
