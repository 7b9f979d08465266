"""Contract tests of the operations GWM's actions submit: the same assertions against the
simulator (default run) and the real sandbox (``-m ganeti``).

The refusals are Ganeti 3.0's exact words, recorded on the sandbox; the single node
refuses every move, so the simulator's multi-node successes are in
``test_simulator_actions.py``.
"""

from __future__ import annotations

import pytest

from ganeti_webmgr.ganeti import JobFailed, RapiBadRequest, evacuated_instances, nic_change

from .test_contract import create, instances


def refusal(client, job_id):
    with pytest.raises(JobFailed) as info:
        client.wait_for_job(job_id, timeout=120)
    return info.value.error_class, info.value.error_message, info.value.error_code


def test_it_exports_a_stopped_instance_and_with_remove_instance(backend):
    c = backend.client()
    kept, removed = backend.unique_name("exp"), backend.unique_name("exprm")
    with instances(c, kept, removed):
        create(backend, c, kept, "file", start=False)
        create(backend, c, removed, "file", start=False)
        assert c.list_exports().get(backend.node) is not None  # a row even without exports
        job = c.wait_for_job(c.export_instance(kept, destination=backend.node), timeout=120)
        assert job.result == [True, [True]]
        assert kept in c.list_exports()[backend.node]
        assert c.get_instance(kept).status == "ADMIN_down"
        c.wait_for_job(
            c.export_instance(removed, destination=backend.node, remove_instance=True),
            timeout=120,
        )
        assert removed not in c.list_instances()
        assert removed in c.list_exports()[backend.node]
        # a dry run goes in the body; the export resource ignores ?dry-run=1
        job = c.wait_for_job(c.export_instance(kept, destination=backend.node, dry_run=True))
        assert job.result is None
        assert job.log[-1].message.endswith(
            "dry-run mode requested, not actually executing the operation"
        )


def test_it_reports_the_export_refusals(backend):
    c = backend.client()
    name = backend.unique_name("expr")
    with instances(c, name):
        create(backend, c, name, "file", start=True)
        assert refusal(
            c,
            c.export_instance(name, destination=backend.node, remove_instance=True, shutdown=False),
        ) == (
            "OpPrereqError",
            "Can not remove instance without shutting it down before",
            "wrong_state",
        )
        assert refusal(c, c.export_instance(name, destination="nosuch.ganeti.test")) == (
            "OpPrereqError",
            "Node 'nosuch.ganeti.test' not known",
            "unknown_entity",
        )
        # file disks can't be snapshotted: a running instance needs long_sleep
        assert refusal(c, c.export_instance(name, destination=backend.node, shutdown=False)) == (
            "OpExecError",
            "Not all disks could be snapshotted, and you requested a live export; aborting",
            None,
        )
        error = refusal(c, c.export_instance(name, destination=backend.node))
        assert error[0] == "OpExecError" and "--long-sleep option; aborting" in error[1]
        assert c.get_instance(name).status == "ERROR_down"  # Ganeti leaves it shut down
        c.wait_for_job(c.startup_instance(name))
        job = c.wait_for_job(
            c.export_instance(name, destination=backend.node, long_sleep=True), timeout=120
        )
        assert job.succeeded and c.get_instance(name).status == "running"
        with pytest.raises(RapiBadRequest) as bad:
            c.request("PUT", f"/2/instances/{name}/export", body={"mode": "local"})
        assert "OP_BACKUP_EXPORT.target_node' fails validation" in bad.value.message


def test_it_refuses_replace_disks_on_a_file_instance(backend):
    c = backend.client()
    name = backend.unique_name("rpl")
    with instances(c, name):
        create(backend, c, name, "file", start=False)
        strange = (
            "OpPrereqError",
            "The instance has a strange layout, expected one secondary but found 0",
            "internal_error",
        )
        for mode in ("replace_on_primary", "replace_on_secondary", "replace_auto"):
            assert refusal(c, c.replace_instance_disks(name, mode=mode)) == strange
        assert refusal(c, c.replace_instance_disks(name, mode="replace_new_secondary")) == (
            "OpPrereqError",
            "When changing the secondary either an iallocator script must be used or the new"
            " node given",
            "wrong_input",
        )
        assert refusal(
            c, c.replace_instance_disks(name, mode="replace_on_primary", remote_node=backend.node)
        ) == (
            "OpPrereqError",
            "The iallocator and new node options can only be used when changing the secondary node",
            "wrong_input",
        )
        with pytest.raises(RapiBadRequest) as bad:
            c.request("POST", f"/2/instances/{name}/replace-disks", body={"disks": [0]})
        assert "OP_INSTANCE_REPLACE_DISKS.mode' fails validation" in bad.value.message


def test_it_tags_the_cluster_and_a_node(backend):
    c = backend.client()
    tag = backend.unique_name("t").split(".")[0]
    for kind, name in (("cluster", None), ("node", backend.node)):
        c.wait_for_job(c.add_tags(kind, [tag, f"{tag}:2"], name))
        assert {tag, f"{tag}:2"} <= set(c.get_tags(kind, name))
        c.wait_for_job(c.delete_tags(kind, [tag, f"{tag}:2"], name))
        assert tag not in c.get_tags(kind, name)
        assert refusal(c, c.delete_tags(kind, [tag], name)) == (
            "OpPrereqError",
            f"Tag(s) '{tag}' not found",
            "unknown_entity",
        )
    assert refusal(c, c.add_tags("node", [tag], "nosuch.ganeti.test")) == (
        "OpPrereqError",
        "Node 'nosuch.ganeti.test' not known",
        "unknown_entity",
    )
    assert refusal(c, c.add_tags("cluster", ["has space"])) == (
        "TagError",
        "Tag contains invalid characters",
        None,
    )
    job = c.wait_for_job(c.add_tags("cluster", [tag], dry_run=True))
    assert tag not in c.get_tags("cluster") and job.result is None


def test_it_removes_disks_by_index_name_and_uuid_and_edits_nics(backend):
    c = backend.client()
    name = backend.unique_name("dev")
    with instances(c, name):
        create(backend, c, name, "file", start=False)
        c.wait_for_job(c.modify_instance(name, disks=[["add", {"size": 1024, "name": "data"}]]))
        c.wait_for_job(c.modify_instance(name, disks=[["add", -1, {"size": 1024}]]))
        inst = c.get_instance(name)
        assert inst.disk_sizes == [1024, 1024, 1024] and inst.raw["disk.names"][1] == "data"
        assert refusal(c, c.remove_instance_disk(name, 3)) == (
            "OpExecError",
            "list index out of range",  # index == count slips past Ganeti's own check
            None,
        )
        assert refusal(c, c.remove_instance_disk(name, 5)) == (
            "OpExecError",
            "Got disk index 5, but there are only 3",
            None,
        )
        assert refusal(c, c.remove_instance_disk(name, "nosuch")) == (
            "OpPrereqError",
            "Lookup of disk 'nosuch' failed",
            None,
        )
        assert refusal(c, c.modify_instance(name, disks=[["remove", {}], ["remove", {}]])) == (
            "OpPrereqError",
            "Only one disk add/attach/remove/detach operation is supported at a time",
            "wrong_input",
        )
        job = c.wait_for_job(c.remove_instance_disk(name, "data"))
        assert job.result == [["disk/1", "remove"]]
        uuid = c.get_instance(name).raw["disk.uuids"][1]
        c.wait_for_job(c.remove_instance_disk(name, uuid))
        assert c.get_instance(name).disk_sizes == [1024]
        # NICs: the three-element form, by index
        job = c.wait_for_job(c.modify_instance_nic(name, 0, ip="192.0.2.50"))
        assert job.result == [
            ["nic.ip/0", "192.0.2.50"],
            ["nic.link/0", "br0"],
            ["nic.mode/0", "bridged"],
            ["nic.vlan/0", ""],
        ]
        c.wait_for_job(c.modify_instance_nic(name, 0, mac="aa:00:00:12:34:56", nic_name="eth0"))
        inst = c.get_instance(name)
        assert inst.nic_macs == ["aa:00:00:12:34:56"] and inst.nic_ips == ["192.0.2.50"]
        c.wait_for_job(c.modify_instance(name, nics=[nic_change("modify", "eth0", ip="none")]))
        assert c.get_instance(name).nic_ips == [None]
        bridges = f"Error checking bridges on node '{backend.node}': Missing bridges br-nosuch"
        auto = "'auto' is not a valid MAC address when modifying an existing NIC"
        routed = (
            "Cannot set the NIC IP address to None on a routed NIC if not attached to a network"
        )
        for params, expected in (
            ({"link": "br-nosuch"}, (bridges, "environment_error")),
            ({"ip": "not-an-ip"}, ("Invalid IP address 'not-an-ip'", "wrong_input")),
            ({"mac": "zz"}, ("Invalid MAC address 'zz'", "wrong_input")),
            ({"mac": "auto"}, (auto, "wrong_input")),
            ({"mode": "routed"}, (routed, "wrong_input")),
            ({"network": "nosuch"}, ("Network 'nosuch' not found", "unknown_entity")),
        ):
            expected = ("OpPrereqError", *expected)
            assert refusal(c, c.modify_instance_nic(name, 0, **params)) == expected, params
        assert refusal(c, c.modify_instance_nic(name, 4, link="br0")) == (
            "OpExecError",
            "Got NIC index 4, but there are only 1",
            None,
        )
        assert refusal(c, c.modify_instance(name, nics=[["remove", 0, {}]]))[1].endswith(
            "violates policy: nic-count value 0 is not in range [1, 8]"
        )
        # a running instance: no disk removal without hotplug, which fake can't do
        c.wait_for_job(c.modify_instance(name, disks=[["add", -1, {"size": 1024}]]))
        c.wait_for_job(c.startup_instance(name))
        assert refusal(c, c.remove_instance_disk(name, 1)) == (
            "OpPrereqError",
            f"Instance '{name}' is marked to be up, can't remove volume from a running"
            " instance without using hotplug",
            "wrong_state",
        )
        error = refusal(c, c.remove_instance_disk(name, 1, hotplug=True))
        assert error[1].startswith("Hotplug is not possible: Hotplug is not supported")
        # the last disk of a stopped instance can go: it becomes diskless for good
        c.wait_for_job(c.shutdown_instance(name))
        c.wait_for_job(c.remove_instance_disk(name, 1))
        c.wait_for_job(c.remove_instance_disk(name, 0))
        assert c.get_instance(name).raw["disk_template"] == "diskless"
        assert refusal(c, c.modify_instance(name, disks=[["add", -1, {"size": 1024}]])) == (
            "OpPrereqError",
            "Must specify disk type on diskless instance",
            "wrong_input",
        )


def test_it_renames_only_stopped_instances_and_checks_the_new_name(backend):
    c = backend.client()
    name, new = backend.unique_name("ren"), backend.unique_name("ren2")
    with instances(c, name, new):
        create(backend, c, name, start=True)
        assert refusal(c, c.rename_instance(name, new, ip_check=False, name_check=False)) == (
            "OpPrereqError",
            f"Instance '{name}' is marked to be up, cannot rename",
            "wrong_state",
        )
        c.wait_for_job(c.shutdown_instance(name))
        unresolvable = (
            "OpPrereqError",
            f"The given name ({new}) does not resolve: Temporary failure in name resolution",
            "resolver_error",
        )
        assert refusal(c, c.rename_instance(name, new)) == unresolvable  # both checks default on
        assert refusal(c, c.rename_instance(name, new, ip_check=False)) == unresolvable
        assert refusal(c, c.rename_instance(name, new, ip_check=True, name_check=False)) == (
            "OpPrereqError",
            "IP address check requires a name check",
            "wrong_input",
        )
        assert refusal(c, c.rename_instance(name, backend.node)) == (
            "OpPrereqError",
            f"IP 198.51.100.10 of instance {backend.node} already in use",
            "resource_not_unique",
        )
        job = c.wait_for_job(c.rename_instance(name, new, ip_check=False, name_check=False))
        assert job.result == new and new in c.list_instances()


def test_it_refuses_moves_on_one_node_with_ganetis_words(backend):
    c = backend.client()
    f, d = backend.unique_name("mvf"), backend.unique_name("mvd")
    with instances(c, f, d):
        create(backend, c, f, "file", start=True)
        create(backend, c, d, start=True)
        assert refusal(c, c.migrate_instance(f)) == (
            "OpPrereqError",
            "Instance's disk layout 'file' does not allow migrations",
            "wrong_state",
        )
        assert refusal(c, c.failover_instance(f, target_node=backend.node)) == (
            "OpPrereqError",
            "Instance's disk layout 'file' does not allow failovers",
            "wrong_state",
        )
        assert refusal(c, c.migrate_instance(d, target_node=backend.node)) == (
            "OpPrereqError",
            f"Cannot migrate instance {d} to its primary ({backend.node})",
            "wrong_state",
        )
        assert refusal(c, c.migrate_instance(d, target_node=backend.node, iallocator="hail")) == (
            "OpPrereqError",
            "Do not specify both, iallocator and node",
            "wrong_input",
        )
        assert refusal(c, c.evacuate_node(backend.node, mode="all")) == (
            "OpPrereqError",
            "Due to an issue with the iallocator interface it is not possible to evacuate all"
            " instances at once; specify explicitly whether to evacuate primary or secondary"
            " instances",
            "wrong_input",
        )
        error = refusal(c, c.evacuate_node(backend.node, mode="primary-only"))
        assert error[0] == "OpExecError"
        assert f"{f} (Instances of type file cannot be relocated)" in error[1]
        assert f"{d} (Can't find any good node: )" in error[1]
        assert refusal(
            c, c.evacuate_node(backend.node, mode="primary-only", remote_node=backend.node)
        ) == (
            "OpPrereqError",
            "Can not use evacuated node as a new secondary node",
            "wrong_input",
        )
        with pytest.raises(RapiBadRequest):
            c.evacuate_node(backend.node)  # Ganeti 3.0 needs a mode


def test_a_node_evacuation_dry_run_names_the_instances_it_would_move(backend):
    c = backend.client()
    a, b = backend.unique_name("dry1"), backend.unique_name("dry2")
    with instances(c, a, b):
        create(backend, c, a, "file", start=True)
        create(backend, c, b, start=False)
        # succeeds although the real evacuation fails: the iallocator runs in Exec only
        job = c.wait_for_job(c.evacuate_node(backend.node, mode="primary-only", dry_run=True))
        assert job.succeeded and job.result is None
        names = evacuated_instances(job)
        assert {a, b} <= set(names)
        messages = [e.message for e in job.log]
        assert f" - INFO: Evacuating instances from node '{backend.node}': " in "".join(messages)
        assert (
            messages[-1] == " - INFO: dry-run mode requested, not actually executing the operation"
        )
        job = c.wait_for_job(c.evacuate_node(backend.node, mode="secondary-only", dry_run=True))
        assert evacuated_instances(job) == []
        # node migrate ignores ?dry-run=1; the client sends it in the body
        job = c.wait_for_job(c.migrate_node(backend.node, dry_run=True))
        assert job.result is None and backend.kind  # no migration jobs were submitted
