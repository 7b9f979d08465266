"""The simulator's successes where the one-node sandbox can only refuse: moves between
nodes, DRBD disk replacement, evacuation as sub-jobs, and what goes on the wire."""

from __future__ import annotations

import pytest

from ganeti_webmgr.ganeti import JobFailed, evacuated_instances
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

from .conftest import sim_client


@pytest.fixture
def cluster_client():
    cluster = SimCluster("cluster.sim.test")
    for n in ("node1", "node2", "node3"):
        cluster.add_node(f"{n}.sim.test")
    for template in ("plain", "file", "diskless", "sharedfile", "rbd", "drbd"):
        cluster.add_instance(
            f"{template}.sim.test",
            "node1.sim.test",
            disk_template=template,
            snode="node2.sim.test" if template == "drbd" else None,
        )
    with RapiSimulator(cluster, wait_timeout=1.0) as sim, sim_client(sim) as client:
        yield sim, client


def failure(client, job_id):
    with pytest.raises(JobFailed) as info:
        client.wait_for_job(job_id, timeout=10)
    return info.value.error_message, info.value.error_code


def test_it_refuses_to_move_plain_and_file_instances(cluster_client):
    _, c = cluster_client
    for template in ("plain", "file"):
        name = f"{template}.sim.test"
        assert failure(c, c.migrate_instance(name, target_node="node2.sim.test")) == (
            f"Instance's disk layout '{template}' does not allow migrations",
            "wrong_state",
        )
        assert failure(c, c.failover_instance(name)) == (
            f"Instance's disk layout '{template}' does not allow failovers",
            "wrong_state",
        )


def test_it_moves_shared_storage_to_the_target_or_where_the_iallocator_says(cluster_client):
    sim, c = cluster_client
    for template in ("diskless", "sharedfile", "rbd"):
        name = f"{template}.sim.test"
        c.wait_for_job(c.migrate_instance(name, target_node="node3.sim.test"))
        assert c.get_instance(name).primary_node == "node3.sim.test"
        c.wait_for_job(c.failover_instance(name))  # the cluster's default iallocator
        assert c.get_instance(name).primary_node != "node3.sim.test"
    sim.cluster._info["default_iallocator"] = ""
    message, code = failure(c, c.migrate_instance("rbd.sim.test"))
    assert message.startswith("No iallocator or node given and no cluster-wide default")
    assert code == "wrong_input"


def test_it_moves_drbd_to_its_secondary_only(cluster_client):
    _, c = cluster_client
    assert failure(c, c.migrate_instance("drbd.sim.test", target_node="node3.sim.test")) == (
        "Instances with disk types drbd cannot be migrated to arbitrary nodes (neither an"
        " iallocator nor a target node can be passed)",
        "wrong_input",
    )
    c.wait_for_job(c.migrate_instance("drbd.sim.test"))
    inst = c.get_instance("drbd.sim.test")
    assert (inst.primary_node, inst.secondary_nodes) == ("node2.sim.test", ["node1.sim.test"])


def test_it_replaces_drbd_disks_in_every_mode(cluster_client):
    _, c = cluster_client
    name = "drbd.sim.test"
    for mode in ("replace_on_primary", "replace_on_secondary", "replace_auto"):
        assert c.wait_for_job(c.replace_instance_disks(name, mode=mode)).succeeded
    assert failure(c, c.replace_instance_disks(name, mode="replace_auto", disks=[0])) == (
        "Cannot specify disks to be replaced",
        "wrong_input",
    )
    assert failure(
        c,
        c.replace_instance_disks(name, mode="replace_new_secondary", remote_node="node1.sim.test"),
    ) == ("The specified node is the primary node of the instance", "wrong_input")
    c.wait_for_job(
        c.replace_instance_disks(name, mode="replace_new_secondary", remote_node="node3.sim.test")
    )
    assert c.get_instance(name).secondary_nodes == ["node3.sim.test"]
    c.wait_for_job(c.replace_instance_disks(name, mode="replace_new_secondary", iallocator="hail"))
    assert c.get_instance(name).secondary_nodes == ["node2.sim.test"]


def test_a_node_evacuation_submits_one_job_per_instance(cluster_client):
    sim, c = cluster_client
    for name in ("plain.sim.test", "file.sim.test"):
        c.wait_for_job(c.delete_instance(name))
    dry = c.wait_for_job(c.evacuate_node("node1.sim.test", mode="primary-only", dry_run=True))
    assert dry.result is None
    moving = evacuated_instances(dry)
    assert moving == ["diskless.sim.test", "drbd.sim.test", "rbd.sim.test", "sharedfile.sim.test"]
    assert sim.cluster.nodes["node1.sim.test"]["pinst_cnt"] == 4  # nothing moved
    job = c.wait_for_job(c.evacuate_node("node1.sim.test", mode="primary-only"))
    assert [ok for ok, _ in job.result["jobs"]] == [True] * 4
    for _, sub in job.result["jobs"]:
        c.wait_for_job(sub)
    assert c.get_node("node1.sim.test").primary_instances == []


def test_node_migrate_dry_runs_go_in_the_body(cluster_client):
    sim, c = cluster_client
    job = c.wait_for_job(c.migrate_node("node1.sim.test", mode="live", dry_run=True))
    request = [r for r in sim.requests if r.path.endswith("/migrate")][-1]
    assert request.body == {"mode": "live", "dry_run": True} and request.query == {}
    assert job.result is None and len(sim.queue.jobs) == 1
    job = c.wait_for_job(c.migrate_node("node1.sim.test"))
    assert len(job.result["jobs"]) == 6  # one per primary instance, running or not


def test_the_query_dry_run_is_ignored_where_ganeti_ignores_it(cluster_client):
    _, c = cluster_client
    c.request("PUT", "/2/instances/rbd.sim.test/modify", query=[("dry-run", 1)],
              body={"beparams": {"memory": 256}})  # fmt: skip
    c.wait_for_job(max(c.list_jobs()))
    assert c.get_instance("rbd.sim.test").memory == 256  # it ran, as on a real cluster
    c.wait_for_job(c.modify_instance("rbd.sim.test", beparams={"memory": 384}, dry_run=True))
    assert c.get_instance("rbd.sim.test").memory == 256
