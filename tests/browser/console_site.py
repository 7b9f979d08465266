"""A simulator-backed cluster in a live GWM, for the browser tests that need no real
Ganeti (the consoles, dark mode).

The RAPI simulator runs in the pytest process; its VM's VNC console is a real Xvnc
(ganeti_webmgr.testing.vnc). Neither touches the Ganeti sandbox. The live site is
the session's, shared with the sandbox cluster's tests, which count what they see:
a simulated cluster is removed again when its tests are done (simulated_cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ganeti_webmgr.testing import console_client

from .site import LiveGWM


def add_simulated_cluster(site: LiveGWM, slug: str, sim, vnc_password: str) -> None:
    """Added as an administrator would (gwm-manage cluster add), synced once, with the
    VNC password of its VMs' consoles."""
    spec = {"host": sim.host, "port": sim.port, "fingerprint": sim.fingerprint}
    console_client.add_console_cluster(
        site.manage, {**spec, "password": "gwm-secret"}, vnc_password, slug=slug
    )


@contextmanager
def simulated_cluster(site: LiveGWM, slug: str, sim, vnc_password: str = "") -> Iterator[None]:
    """The cluster in the live site while the block runs; removed from GWM afterwards."""
    add_simulated_cluster(site, slug, sim, vnc_password)
    try:
        yield
    finally:
        site.manage("cluster", "remove", slug, "--yes")
