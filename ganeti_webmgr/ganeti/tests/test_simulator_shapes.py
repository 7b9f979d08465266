"""The simulator answers with the shapes a real Ganeti 3.0 answered with.

Compared against ``recordings/``: the same keys and value types for every
resource GWM reads, and the same error bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import urllib3

from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

from .conftest import sim_client
from .helpers import recording, shape_problems


@pytest.fixture(scope="module")
def sandbox_sim() -> Iterator[tuple[RapiSimulator, RapiClient]]:
    """A simulator in the state the recordings were made in."""
    with RapiSimulator(SimCluster.like_sandbox(), op_duration=0.005) as sim:
        c = sim_client(sim)
        node = "node1.ganeti.test"
        for name, template, disks, start in [
            ("inst1.ganeti.test", "diskless", [], False),
            ("inst2.ganeti.test", "diskless", [], True),
            ("inst3.ganeti.test", "file", [{"size": 1024}], True),
        ]:
            c.wait_for_job(
                c.create_instance(
                    name,
                    disk_template=template,
                    disks=disks,
                    nics=[{}],
                    os="noop+default",
                    pnode=node,
                    hypervisor="fake",
                    start=start,
                    beparams={"memory": 128},
                )
            )
        c.wait_for_job(c.add_tags("instance", ["web"], "inst2.ganeti.test"))
        yield sim, c
        c.close()


def raw(c: RapiClient, path: str, query=None):
    return c.request("GET", path, query=query)


def check(expected: list[dict], actual: list[dict], nullable: set[str] = frozenset()) -> None:
    problems = shape_problems(expected, actual, nullable)
    assert not problems, "\n".join(problems)


def test_it_matches_the_cluster_info_shape(sandbox_sim):
    _, c = sandbox_sim
    check([recording("info")], [raw(c, "/2/info")])


def test_it_matches_version_features_os_and_tags(sandbox_sim):
    _, c = sandbox_sim
    assert raw(c, "/version") == recording("version")
    assert sorted(raw(c, "/2/features")) == sorted(recording("features"))
    assert raw(c, "/2/os") == recording("os")
    assert raw(c, "/2/tags") == recording("cluster_tags")


def test_it_matches_the_node_shapes(sandbox_sim):
    _, c = sandbox_sim
    assert raw(c, "/2/nodes") == recording("nodes")
    check(recording("nodes_bulk"), raw(c, "/2/nodes", [("bulk", 1)]))
    check([recording("node")], [raw(c, "/2/nodes/node1.ganeti.test")])
    assert raw(c, "/2/nodes/node1.ganeti.test/role") == recording("node_role")


def test_it_matches_the_group_and_network_shapes(sandbox_sim):
    _, c = sandbox_sim
    check(recording("groups_bulk"), raw(c, "/2/groups", [("bulk", 1)]))
    assert raw(c, "/2/networks", [("bulk", 1)]) == recording("networks_bulk")


def test_it_matches_the_instance_shapes(sandbox_sim):
    _, c = sandbox_sim
    recorded = recording("instances_bulk") + recording("instances_bulk_before")
    bulk = raw(c, "/2/instances", [("bulk", 1)])
    assert {i["status"] for i in bulk} == {"running", "ADMIN_down"}
    check(recorded, bulk)
    check(recorded, [raw(c, "/2/instances/inst3.ganeti.test")])
    listing = raw(c, "/2/instances")
    assert set(listing[0]) == {"id", "uri"}
    assert raw(c, "/2/instances/inst2.ganeti.test/tags") == ["web"]


def test_it_matches_the_job_shapes(sandbox_sim):
    _, c = sandbox_sim
    recorded_bulk = recording("jobs_bulk") + recording("jobs_bulk_after")
    check(recorded_bulk, raw(c, "/2/jobs", [("bulk", 1)]), nullable={"start_ts", "end_ts"})
    assert set(raw(c, "/2/jobs")[0]) == set(recording("jobs")[0])
    full = [
        recording("job_instance_create"),
        recording("job_instance_info"),
        recording("job_instance_shutdown"),
        recording("job_node_storage_file"),
    ]
    check(full, [raw(c, "/2/jobs/1")])
    # The ops inside carry Ganeti's reason trail and the opcode's parameters.
    op = raw(c, "/2/jobs/1")["ops"][0]
    assert op["OP_ID"] == "OP_INSTANCE_CREATE"
    assert op["reason"][-1][0] == "gnt:opcode:instance_create"
    assert set(op) <= set(recording("job_instance_create")["ops"][0])


def test_it_matches_the_unknown_job_quirk(sandbox_sim):
    _, c = sandbox_sim
    assert raw(c, "/2/jobs/99999") == recording("job_unknown")


def test_it_matches_the_job_wait_shape(sandbox_sim):
    _, c = sandbox_sim
    body = {
        "fields": ["status", "opstatus"],
        "previous_job_info": None,
        "previous_log_serial": None,
    }
    answer = c.request("GET", "/2/jobs/1/wait", body=body)
    assert set(answer) == set(recording("job_wait_next"))
    assert answer["job_info"] == recording("job_wait_next")["job_info"]


def test_it_matches_the_multi_alloc_result_shape(sandbox_sim):
    _, c = sandbox_sim
    alloc = RapiClient.instance_allocation(
        "multi0.ganeti.test",
        disk_template="diskless",
        disks=[],
        nics=[{}],
        os="noop+default",
        pnode="node1.ganeti.test",
        start=False,
    )
    job = c.wait_for_job(c.create_instances([alloc]))
    recorded = recording("job_multi_alloc_opresult")
    check(recorded, job.opresult)
    assert [type(v).__name__ for v in job.result["jobs"][0]] == ["bool", "int"]


def test_it_matches_the_console_shape(sandbox_sim):
    _, c = sandbox_sim
    assert set(raw(c, "/2/instances/inst2.ganeti.test/console")) == set(
        recording("instance_console")
    )


def test_it_matches_the_cancel_answers(sandbox_sim):
    sim, c = sandbox_sim
    with sim.hold_jobs():
        queued = c.add_tags("cluster", ["x"])
        ok, msg = c.cancel_job(queued)
    assert [ok, msg.replace(str(queued), "3")] == recording("job_cancel_queued")
    done = c.add_tags("cluster", ["y"])
    c.wait_for_job(done)
    ok, msg = c.cancel_job(done)
    assert [ok, msg.replace(str(done), "4")] == recording("job_cancel_finished")


@pytest.mark.parametrize(
    ("name", "user", "method", "path", "kwargs"),
    [
        ("error_401_no_auth", None, "GET", "/2/info", {}),
        ("error_403_readonly_write", "gwm-ro", "PUT", "/2/tags", {"query": [("tag", "x")]}),
        ("error_404_instance", "gwm", "GET", "/2/instances/nosuch.ganeti.test", {}),
        ("error_503_console_stopped", "gwm", "GET", "/2/instances/inst1.ganeti.test/console", {}),
        ("error_501_method", "gwm", "POST", "/2/info", {"body": {}}),
        (
            "error_400_unknown_parameter",
            "gwm",
            "POST",
            "/2/instances",
            {"body": {"__version__": 1, "bogus": 1}},
        ),
        (
            "error_500_wait_unknown_job",
            "gwm",
            "GET",
            "/2/jobs/99999/wait",
            {"body": {"fields": ["status"]}},
        ),
    ],
)
def test_it_answers_errors_with_ganetis_bodies(sandbox_sim, name, user, method, path, kwargs):
    sim, _ = sandbox_sim
    pool = urllib3.HTTPSConnectionPool(
        "127.0.0.1",
        sim.port,
        cert_reqs="CERT_REQUIRED",
        ca_certs=sim.ca_file,
        assert_hostname="127.0.0.1",
        retries=False,
        timeout=5,
    )
    headers = {}
    if user:
        password = sim.users[user][0]
        headers = urllib3.make_headers(basic_auth=f"{user}:{password}")
    query = "&".join(f"{k}={v}" for k, v in kwargs.get("query", []))
    body = json.dumps(kwargs["body"]).encode() if "body" in kwargs else None
    response = pool.urlopen(
        method, path + (f"?{query}" if query else ""), body=body, headers=headers
    )
    assert json.loads(response.data) == recording(name)
    if response.status == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Ganeti Remote API"'
    pool.close()


def test_it_would_notice_a_wrong_shape():
    recorded = [recording("node")]
    wrong = dict(recording("node"))
    del wrong["secondary_ip"]
    wrong["mtotal"] = "24105"
    wrong["pinst_list"] = [1]
    problems = shape_problems(recorded, [wrong])
    assert any("missing keys ['secondary_ip']" in p for p in problems)
    assert any(p.startswith("mtotal: types ['str']") for p in problems)
    assert any(p.startswith("pinst_list") for p in problems)
    assert shape_problems(recorded, [recording("node")]) == []
