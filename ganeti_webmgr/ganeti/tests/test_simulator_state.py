"""A simulator that stops and starts again is the same cluster: state, certificate, job ids."""

from __future__ import annotations

import json
import stat

import pytest

from ganeti_webmgr.ganeti import RapiClient, TlsTrust
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster, state
from ganeti_webmgr.ganeti.simulator.__main__ import op_duration
from ganeti_webmgr.ganeti.simulator.certs import stored_certificate

from .conftest import FAST


def client(sim: RapiSimulator) -> RapiClient:
    return RapiClient(
        sim.url,
        username="gwm",
        password="gwm-secret",
        trust=TlsTrust.pinned(sim.fingerprint),
        timeouts=FAST,
    )


def test_what_users_did_survives_a_save_and_a_load(tmp_path):
    path = tmp_path / "state.json"
    with RapiSimulator(SimCluster.generate(nodes=2, instances=4)) as sim, client(sim) as c:
        c.wait_for_job(c.delete_instance("inst1.sim.test"), timeout=10)
        c.wait_for_job(c.shutdown_instance("inst2.sim.test"), timeout=10)
        c.wait_for_job(
            c.rename_instance(
                "inst2.sim.test", "renamed.sim.test", ip_check=False, name_check=False
            ),
            timeout=10,
        )
        sim.stop()
        state.save(path, sim.cluster, sim.queue.next_id)
        uuids = {i["uuid"] for i in sim.cluster.instances.values()}

    cluster, next_job_id = state.load(path)
    assert sorted(cluster.instances) == ["inst3.sim.test", "inst4.sim.test", "renamed.sim.test"]
    assert cluster.instances["renamed.sim.test"]["admin_state"] == "down"
    assert next_job_id == 4
    with RapiSimulator(cluster, first_job_id=next_job_id) as sim, client(sim) as c:
        assert sorted(c.list_instances()) == sorted(cluster.instances)
        job = c.create_instance(
            "new.sim.test",
            disk_template="diskless",
            disks=[],
            nics=[{}],
            os="noop+default",
            pnode="node1.sim.test",
            ip_check=False,
            name_check=False,
        )
        assert job == 4  # GWM keeps one row per Ganeti job id: never one twice
        c.wait_for_job(job, timeout=10)
        # The random generator came back too: no UUID of the first life again.
        assert cluster.instances["new.sim.test"]["uuid"] not in uuids


def test_a_missing_state_is_none_and_a_foreign_one_an_error(tmp_path):
    assert state.load(tmp_path / "state.json") is None
    (tmp_path / "state.json").write_text(json.dumps({"version": 99}))
    with pytest.raises(ValueError, match="version 99"):
        state.load(tmp_path / "state.json")


def test_the_state_is_written_by_rename_and_private(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("the previous state")
    state.save(path, SimCluster.generate(nodes=1, instances=1))
    assert json.loads(path.read_text())["version"] == state.VERSION
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left


def test_a_stored_certificate_keeps_its_fingerprint(tmp_path):
    first = stored_certificate(tmp_path)
    again = stored_certificate(tmp_path)
    assert again == first
    assert stored_certificate(tmp_path / "other").fingerprint != first.fingerprint
    assert stat.S_IMODE((tmp_path / "key.pem").stat().st_mode) == 0o600
    with RapiSimulator(SimCluster.generate(nodes=1, instances=1), certificate=again) as sim:
        assert sim.fingerprint == first.fingerprint
        with client(sim) as c:
            assert c.list_nodes() == ["node1.sim.test"]  # it serves that certificate


def test_an_op_duration_is_seconds_or_a_range():
    assert op_duration("1.5") == 1.5
    assert op_duration("1-2") == (1.0, 2.0)
    with pytest.raises(Exception, match="not seconds"):
        op_duration("soon")
