"""The one place Django code gets a RAPI client for a Cluster.

Clients are kept per process and cluster, so connections and the SSL context
are reused across syncs and job follows; a change of address, credentials or
trust makes a new one.
"""

from __future__ import annotations

import threading

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiClient, Timeouts, TlsTrust

_clients: dict[int, tuple[tuple, RapiClient]] = {}
_lock = threading.Lock()


def trust_for(cluster: Cluster) -> TlsTrust:
    if cluster.fingerprint:
        return TlsTrust.pinned(cluster.fingerprint)
    if cluster.ca_certificates:
        return TlsTrust.ca_certificates(cluster.ca_certificates)
    return TlsTrust.system()


def identity(cluster: Cluster) -> tuple:
    """What a client is made from: a kept client whose identity differs is out of date."""
    return (
        cluster.url,
        cluster.username,
        cluster.password_encrypted,
        cluster.fingerprint,
        cluster.ca_certificates,
    )


def client_for(cluster: Cluster, timeouts: Timeouts | None = None) -> RapiClient:
    key = (*identity(cluster), timeouts)
    with _lock:
        cached = _clients.get(cluster.pk)
        if cached and cached[0] == key:
            return cached[1]
        if cached:
            cached[1].close()
        # gwm-worker long-polls many jobs of one cluster at once.
        client = new_client(cluster, timeouts, max_connections=32)
        _clients[cluster.pk] = (key, client)
        return client


def new_client(
    cluster: Cluster, timeouts: Timeouts | None = None, max_connections: int = 4
) -> RapiClient:
    """A client of its own (not cached): for a cluster being checked before it is saved."""
    return RapiClient(
        cluster.url,
        username=cluster.username or None,
        password=cluster.password or None,
        trust=trust_for(cluster),
        name=cluster.slug,
        timeouts=timeouts or Timeouts(),
        max_connections=max_connections,
    )


def forget(cluster_pk: int) -> None:
    with _lock:
        cached = _clients.pop(cluster_pk, None)
    if cached:
        cached[1].close()
