"""Typed results parsed from responses recorded on a real Ganeti 3.0."""

from __future__ import annotations

import json

import pytest

from ganeti_webmgr.ganeti import ClusterInfo, ConsoleInfo, Instance, Job, JobChange, Node, OpError

from .helpers import recording


def test_it_parses_cluster_info():
    info = ClusterInfo.from_dict(recording("info"))
    assert info.name == "cluster.ganeti.test" and info.master == "node1.ganeti.test"
    assert info.software_version == "3.0.2" and info.protocol_version == 3000000
    assert info.enabled_hypervisors == ["fake"]
    assert info.enabled_disk_templates == ["diskless", "file"]
    assert info.raw == recording("info")


def test_it_parses_a_node_and_maps_its_role_letter():
    node = Node.from_dict(recording("node"))
    assert node.role == "master" and node.master_candidate and not node.offline
    assert (node.memory_total, node.memory_free, node.disk_total) == (24105, 23019, 258019)
    assert node.primary_instances == ["inst1.ganeti.test", "inst2.ganeti.test", "inst3.ganeti.test"]
    assert node.primary_ip == node.secondary_ip == "198.51.100.10"
    assert node.group_uuid == "66d98748-fcdc-419c-b2fe-a215fe5ef0e7"


def test_it_parses_running_and_stopped_instances():
    running = Instance.from_dict(recording("instance"))
    assert running.status == "running" and running.oper_state
    assert (running.memory, running.vcpus, running.oper_ram) == (256, 1, 256)
    assert running.nic_macs == ["aa:00:00:46:44:7e"] and running.nic_links == ["br0"]
    assert running.disk_template == "diskless" and running.disk_sizes == []
    stopped = Instance.from_dict(recording("instances_bulk_before")[0])
    assert stopped.status == "ADMIN_down" and not stopped.oper_state
    assert stopped.oper_ram is None and stopped.admin_state == "down"
    file_inst = next(i for i in recording("instances_bulk") if i["disk_template"] == "file")
    assert Instance.from_dict(file_inst).disk_sizes == [1024]


def test_it_parses_a_job_with_log_and_result():
    job = Job.from_dict(recording("job_instance_create"))
    assert job.id == 12 and job.succeeded and job.finished
    assert job.summary == ["INSTANCE_CREATE(rapi1.ganeti.test)"]
    assert job.result == ["node1.ganeti.test"]
    assert job.error is None
    assert job.log[0].message == "* creating instance disks..."
    assert job.received_at == pytest.approx(1795339777.711255)
    assert job.ended_at > job.started_at > job.received_at


@pytest.mark.parametrize(
    "entry",
    [r for r in recording("rapi_results") if "error" in r and r.get("job_status") == "error"],
    ids=lambda r: r["op"],
)
def test_it_decodes_every_recorded_job_error(entry):
    opresult = json.loads(entry["error"])
    opstatus = ["success" if r is None else "error" for r in opresult]
    job = Job.from_dict(
        {"id": entry["job"], "status": "error", "opstatus": opstatus, "opresult": opresult}
    )
    err = job.error
    assert err is not None
    assert err.error_class in ("OpPrereqError", "OpExecError")
    assert err.message
    if err.error_class == "OpPrereqError":
        assert err.code in ("insufficient_resources", "wrong_state", "wrong_input")
    else:
        assert err.code is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["OpPrereqError", ["bad", "wrong_input"]], OpError("OpPrereqError", "bad", "wrong_input")),
        (["OpExecError", ["boom"]], OpError("OpExecError", "boom", None)),
        (["OpPrereqError", "plain"], OpError("OpPrereqError", "plain", None)),
        (["node1.ganeti.test"], None),
        (["a", "b"], None),
        (None, None),
    ],
)
def test_it_decodes_only_real_error_results(value, expected):
    assert OpError.decode(value) == expected


def test_it_parses_job_wait_answers():
    change = JobChange.from_dict(recording("job_wait_first"))
    assert change.job_info == ["queued", ["queued"]] and change.log_entries == []


def test_it_parses_console_information():
    console = ConsoleInfo.from_dict(recording("instance_console"))
    assert console.kind == "msg" and console.instance == "rapi1.ganeti.test"
    assert "fake hypervisor" in console.message and console.port is None
