"""A Ganeti RAPI simulator for tests and benchmarks.

``RapiSimulator`` serves RAPI v2 over HTTPS on loopback from a thread, for an
in-memory ``SimCluster`` of any size, with real job semantics and fault
injection. Needs the ``cryptography`` package (test/dev dependency only)::

    with RapiSimulator(SimCluster.generate(nodes=100, instances=10_000)) as sim:
        client = RapiClient(sim.url, username="gwm", password="gwm-secret",
                            trust=TlsTrust.pinned(sim.fingerprint))
"""

from __future__ import annotations

from .cluster import OpFailure, SimCluster
from .faults import Fault
from .jobs import SimJobQueue
from .server import RapiSimulator, RecordedRequest

__all__ = ["Fault", "OpFailure", "RapiSimulator", "RecordedRequest", "SimCluster", "SimJobQueue"]
