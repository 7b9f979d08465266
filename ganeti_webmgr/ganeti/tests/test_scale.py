"""Scale: a 100-node, 10,000-instance simulated cluster through the client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

from .conftest import sim_client


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[RapiSimulator, RapiClient]]:
    with (
        RapiSimulator(SimCluster.generate(nodes=100, instances=10_000)) as sim,
        sim_client(sim) as c,
    ):
        yield sim, c


def test_it_lists_ten_thousand_instances_in_bulk(big):
    # How long it takes is bench/sync.py's figure, not a pass/fail here: a loaded
    # machine would make such a test fail for nothing.
    _, c = big
    instances = c.list_instances_bulk()
    assert len(instances) == 10_000
    assert len({i.name for i in instances}) == 10_000
    assert {i.disk_template for i in instances} == {"diskless", "file", "plain", "drbd"}


def test_it_lists_a_hundred_nodes_with_their_instances(big):
    _, c = big
    nodes = c.list_nodes_bulk()
    assert len(nodes) == 100
    assert sum(len(n.primary_instances) for n in nodes) == 10_000
    assert sum(1 for n in nodes if n.role == "master") == 1


def test_it_runs_many_jobs_over_one_connection(big):
    sim, c = big
    sim.reset_records()
    jobs = [c.add_tags("instance", ["bulk"], f"inst{i}.sim.test") for i in range(1, 201)]
    for job_id in jobs:
        assert c.wait_for_job(job_id).succeeded
    assert sim.connections <= 1  # the pooled connection is reused throughout
    assert c.get_instance("inst200.sim.test").tags == ["bulk"]
