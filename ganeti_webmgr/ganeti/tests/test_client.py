"""Every client method against the simulator: what goes on the wire, what comes back."""

from __future__ import annotations

import pytest

from ganeti_webmgr.ganeti import (
    ClusterInfo,
    ConsoleInfo,
    Instance,
    JobFailed,
    Node,
    RapiClient,
    RapiConfigError,
    RapiMalformedResponse,
    RapiServerError,
)
from ganeti_webmgr.ganeti.simulator import RapiSimulator


def last(sim: RapiSimulator):
    return sim.requests[-1]


def run(client: RapiClient, job_id: int):
    return client.wait_for_job(job_id, timeout=10)


def test_it_reads_version_info_features_and_os(client):
    assert client.version() == 2
    info = client.info()
    assert isinstance(info, ClusterInfo)
    assert info.name == "cluster.sim.test" and info.master == "node1.sim.test"
    assert info.raw["name"] == info.name
    assert "instance-create-reqv1" in client.features()
    assert "noop+default" in client.operating_systems()


def test_it_lists_and_reads_nodes(sim, client):
    assert client.list_nodes() == ["node1.sim.test", "node2.sim.test"]
    nodes = client.list_nodes_bulk()
    assert all(isinstance(n, Node) for n in nodes)
    assert last(sim).query == {"bulk": ["1"]}
    node = client.get_node("node1.sim.test")
    assert node.role == "master" and node.memory_total == 65536
    assert node.primary_instances == ["inst1.sim.test", "inst3.sim.test"]
    assert client.get_node_role("node2.sim.test") == "master-candidate"


def test_it_sets_a_node_role_with_force(sim, client):
    job = client.set_node_role("node2.sim.test", "drained", force=True)
    req = last(sim)
    assert (req.method, req.path, req.query, req.body) == (
        "PUT",
        "/2/nodes/node2.sim.test/role",
        {"force": ["1"]},
        "drained",
    )
    assert run(client, job).succeeded
    assert client.get_node_role("node2.sim.test") == "drained"


def test_it_modifies_migrates_and_evacuates_nodes(sim, client):
    run(client, client.modify_node("node2.sim.test", ndparams={"ssh_port": 2222}))
    assert client.get_node("node2.sim.test").raw["ndparams"]["ssh_port"] == 2222
    run(client, client.migrate_node("node1.sim.test", mode="live"))
    migrate = next(r for r in sim.requests if r.path.endswith("/migrate"))
    assert migrate.method == "POST" and migrate.body == {"mode": "live"}
    job = client.evacuate_node("node1.sim.test", mode="primary-only", dry_run=True)
    evac = last(sim)
    assert evac.query == {"dry-run": ["1"]} and evac.body == {"mode": "primary-only"}
    run(client, job)
    with pytest.raises(RapiConfigError):
        client.evacuate_node("node1.sim.test", iallocator="hail", remote_node="node2.sim.test")


def test_it_queries_node_storage_through_a_job(sim, client):
    job = client.get_node_storage("node1.sim.test", "file", ["name", "size", "free"])
    assert last(sim).query == {"storage_type": ["file"], "output_fields": ["name,size,free"]}
    rows = run(client, job).result
    assert rows == [["/srv/ganeti/file-storage", 1_000_000, 1_000_000]]
    run(client, client.modify_node_storage("node1.sim.test", "file", "/srv", allocatable=False))
    assert next(r for r in sim.requests if r.path.endswith("storage/modify")).query[
        "allocatable"
    ] == ["0"]
    run(client, client.repair_node_storage("node1.sim.test", "file", "/srv"))


def test_it_reads_groups_and_networks(client):
    assert client.list_groups() == ["default"]
    group = client.list_groups_bulk()[0]
    assert group["node_cnt"] == 2
    assert client.get_group("default")["name"] == "default"
    assert client.list_networks() == [] and client.list_networks_bulk() == []


def test_it_manages_tags_of_every_kind(sim, client):
    for kind, name in [
        ("cluster", None),
        ("node", "node1.sim.test"),
        ("instance", "inst1.sim.test"),
        ("group", "default"),
    ]:
        run(client, client.add_tags(kind, ["a", "env:prod"], name))
        put = [r for r in sim.requests if r.method == "PUT"][-1]
        assert put.path.endswith("tags") and put.query == {"tag": ["a", "env:prod"]}
        assert client.get_tags(kind, name) == ["a", "env:prod"]
        run(client, client.delete_tags(kind, ["a"], name))
        assert client.get_tags(kind, name) == ["env:prod"]
    with pytest.raises(RapiConfigError):
        client.get_tags("instance")


def test_it_lists_and_reads_instances(sim, client):
    assert client.list_instances() == [f"inst{i}.sim.test" for i in range(1, 5)]
    instances = client.list_instances_bulk()
    assert all(isinstance(i, Instance) for i in instances)
    inst = client.get_instance("inst2.sim.test")
    assert inst.primary_node == "node2.sim.test" and inst.disk_template == "file"
    assert inst.raw["name"] == "inst2.sim.test"


def test_it_creates_an_instance_with_the_version_1_request(sim, client):
    job = client.create_instance(
        "web.sim.test",
        disk_template="file",
        disks=[{"size": 1024}],
        nics=[{}],
        os="noop+default",
        pnode="node2.sim.test",
        beparams={"memory": 256},
        start=False,
        dry_run=False,
        reason="ticket 42",
    )
    req = last(sim)
    assert req.method == "POST" and req.path == "/2/instances"
    assert req.body["__version__"] == 1
    assert req.body["instance_name"] == "web.sim.test" and req.body["os_type"] == "noop+default"
    assert req.query == {"reason": ["ticket 42"]}
    done = run(client, job)
    assert done.result == ["node2.sim.test"]
    assert done.raw["ops"][0]["reason"][0][:2] == ["gnt:user", "ticket 42"]
    inst = client.get_instance("web.sim.test")
    assert inst.memory == 256 and inst.status == "ADMIN_down" and inst.disk_sizes == [1024]


def test_it_creates_several_instances_by_multi_allocation(sim, client):
    allocs = [
        RapiClient.instance_allocation(
            f"m{i}.sim.test",
            disk_template="diskless",
            disks=[],
            nics=[{}],
            os="noop+default",
            pnode="node1.sim.test",
        )
        for i in range(3)
    ]
    job = run(client, client.create_instances(allocs))
    request = next(r for r in sim.requests if r.path == "/2/instances-multi-alloc")
    assert request.method == "POST"
    assert [i["instance_name"] for i in request.body["instances"]] == [
        "m0.sim.test",
        "m1.sim.test",
        "m2.sim.test",
    ]
    result = job.result
    assert result["allocatable"] == ["m0.sim.test", "m1.sim.test", "m2.sim.test"]
    assert [ok for ok, _ in result["jobs"]] == [True, True, True]
    for _, job_id in result["jobs"]:
        assert run(client, job_id).succeeded
    assert {"m0.sim.test", "m1.sim.test", "m2.sim.test"} <= set(client.list_instances())


def test_it_starts_stops_and_reboots(sim, client):
    name = "inst1.sim.test"
    run(client, client.shutdown_instance(name, timeout=30))
    req = next(r for r in sim.requests if r.path.endswith("/shutdown"))
    assert req.method == "PUT" and req.body == {"timeout": 30}
    assert client.get_instance(name).status == "ADMIN_down"
    run(client, client.startup_instance(name, force=True))
    assert next(r for r in sim.requests if r.path.endswith("/startup")).query == {"force": ["1"]}
    assert client.get_instance(name).status == "running"
    for kind in ("soft", "hard", "full"):
        run(client, client.reboot_instance(name, kind))
    reboots = [r for r in sim.requests if r.path.endswith("/reboot")]
    assert [r.query["type"] for r in reboots] == [["soft"], ["hard"], ["full"]]
    assert all(r.method == "POST" for r in reboots)
    with pytest.raises(RapiConfigError):
        client.reboot_instance(name, "cold")  # type: ignore[arg-type]


def test_it_modifies_renames_and_deletes(sim, client):
    name = "inst3.sim.test"
    run(client, client.modify_instance(name, beparams={"memory": 2048}))
    assert client.get_instance(name).memory == 2048
    run(client, client.modify_instance(name, nics=[["add", {"link": "br0"}]]))
    assert len(client.get_instance(name).nic_macs) == 2
    run(client, client.shutdown_instance(name))  # Ganeti renames stopped instances only
    run(client, client.rename_instance(name, "renamed.sim.test", ip_check=False, name_check=False))
    assert next(r for r in sim.requests if r.path.endswith("/rename")).body == {
        "new_name": "renamed.sim.test",
        "ip_check": False,
        "name_check": False,
    }
    assert "renamed.sim.test" in client.list_instances()
    run(client, client.delete_instance("renamed.sim.test", shutdown_timeout=10))
    assert next(r for r in sim.requests if r.method == "DELETE").body == {"shutdown_timeout": 10}
    assert "renamed.sim.test" not in client.list_instances()


def test_it_manages_disks(sim, client):
    name = "inst2.sim.test"  # file disk
    run(client, client.activate_instance_disks(name, ignore_size=True))
    assert next(r for r in sim.requests if "activate" in r.path).query == {"ignore_size": ["1"]}
    run(client, client.grow_instance_disk(name, 0, 512, wait_for_sync=False))
    grow = next(r for r in sim.requests if r.path.endswith("/grow"))
    assert grow.path == f"/2/instances/{name}/disk/0/grow"
    assert grow.body == {"amount": 512, "wait_for_sync": False}
    assert client.get_instance(name).disk_sizes == [1536]
    run(client, client.shutdown_instance(name))
    run(client, client.deactivate_instance_disks(name))
    with pytest.raises(JobFailed) as info:
        run(client, client.replace_instance_disks(name, mode="replace_auto", disks=[0]))
    assert info.value.error_class == "OpPrereqError" and info.value.error_code == "internal_error"
    replace = next(r for r in sim.requests if "replace-disks" in r.path)
    assert replace.body == {"mode": "replace_auto", "disks": [0]}


def test_it_replaces_drbd_disks(client):
    name = "inst4.sim.test"  # drbd, node2 -> node1 with two nodes
    # replace_auto needs the disks active: running, or activate-disks first
    run(client, client.activate_instance_disks(name))
    assert run(client, client.replace_instance_disks(name)).succeeded
    assert run(client, client.replace_instance_disks(name, mode="replace_on_primary", disks=[0]))


def test_it_reinstalls_with_the_version_1_request(sim, client):
    name = "inst2.sim.test"
    job = run(client, client.reinstall_instance(name, os="noop+minimal", start=False))
    assert last_path(sim, "/reinstall").body == {"start": False, "os": "noop+minimal"}
    assert job.summary == [f"INSTANCE_SHUTDOWN({name})", f"INSTANCE_REINSTALL({name})"]
    assert client.get_instance(name).os == "noop+minimal"


def last_path(sim, suffix):
    return [r for r in sim.requests if r.path.endswith(suffix)][-1]


def test_it_migrates_and_fails_over_on_a_multi_node_cluster(sim, client):
    run(client, client.migrate_instance("inst1.sim.test", mode="live", cleanup=False))
    assert last_path(sim, "/migrate").body == {"mode": "live", "cleanup": False}
    assert client.get_instance("inst1.sim.test").primary_node == "node2.sim.test"
    run(client, client.failover_instance("inst1.sim.test", ignore_consistency=True))
    assert last_path(sim, "/failover").body == {"ignore_consistency": True}
    assert client.get_instance("inst1.sim.test").primary_node == "node1.sim.test"


def test_it_returns_console_information(sim, client):
    run(client, client.startup_instance("inst2.sim.test"))
    console = client.get_instance_console("inst2.sim.test")
    assert isinstance(console, ConsoleInfo)
    # KVM's default serial_console is on, and Ganeti then answers with the SSH console.
    assert console.kind == "ssh" and console.host == "node2.sim.test"
    assert (console.port, console.user) == (22, "root")
    assert console.command[0] == "/usr/lib/ganeti/tools/kvm-console-wrapper"
    run(client, client.shutdown_instance("inst2.sim.test"))
    with pytest.raises(RapiServerError) as info:
        client.get_instance_console("inst2.sim.test")
    assert info.value.status == 503


def test_it_gets_instance_info_through_a_job(client):
    job = run(client, client.get_instance_info("inst1.sim.test", static=True))
    assert job.result["inst1.sim.test"]["pnode"] == "node1.sim.test"


def test_it_redistributes_the_configuration(client):
    assert run(client, client.redistribute_config()).succeeded


def test_it_passes_any_other_call_through_request(sim, client):
    assert client.request("GET", "/2/features") == client.features()
    uuid = client.request("POST", "/2/filters", body={"predicates": [], "action": "CONTINUE"})
    assert client.request("GET", f"/2/filters/{uuid}")["uuid"] == uuid


def test_it_rejects_a_non_numeric_job_id(client):
    with pytest.raises(RapiMalformedResponse):
        client._job_id("abc", "PUT", "/2/tags")
    with pytest.raises(RapiMalformedResponse):
        client._job_id(True, "PUT", "/2/tags")
    assert client._job_id("17", "PUT", "/2/tags") == 17
