"""Contract tests: the same assertions against the simulator and the real Ganeti.

``backend`` is the simulator (a single-node cluster like the sandbox) in the
default run, and the real ``bin/ganeti-sandbox`` cluster under ``-m ganeti``.
Every operation the fake hypervisor supports is exercised; the ones Ganeti
refuses on a single node must come back as clean typed errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from ganeti_webmgr.ganeti import (
    JobFailed,
    RapiAuthenticationError,
    RapiCertificateMismatch,
    RapiClient,
    RapiNotFound,
    RapiPermissionDenied,
    RapiServerError,
    TlsTrust,
    fetch_certificate_fingerprint,
    format_fingerprint,
)

from .helpers import recording, shape_problems

REFUSED_EVERYWHERE = "insufficient_resources"


@contextlib.contextmanager
def instances(client: RapiClient, *names: str) -> Iterator[None]:
    """Delete the named instances afterwards, whatever happened."""
    try:
        yield
    finally:
        existing = set(client.list_instances())
        for name in names:
            if name in existing:
                with contextlib.suppress(Exception):
                    client.wait_for_job(client.delete_instance(name), timeout=60)


def create(backend, client: RapiClient, name: str, template: str = "diskless", **kw) -> None:
    disks = [{"size": 1024}] if template == "file" else []
    client.wait_for_job(
        client.create_instance(
            name,
            disk_template=template,
            disks=disks,
            nics=[{}],
            os=backend.os,
            pnode=backend.node,
            hypervisor="fake",
            name_check=False,
            ip_check=False,
            beparams={"memory": 128},
            **kw,
        ),
        timeout=120,
    )


def no_problems(expected, actual, nullable=frozenset()):
    problems = shape_problems(expected, actual, nullable)
    assert not problems, "\n".join(problems)


def test_a_dry_run_creation_checks_the_os_parameters(backend):
    # How GWM checks an SSH key mapping: RAPI lists no OS's parameters, but Ganeti
    # validates them (bin/ganeti-sandbox's noop declares fake_param and ssh_key).
    c = backend.client()
    name = backend.unique_name("osparams")

    def dry_run(osparams):
        job_id = c.create_instance(
            name,
            disk_template="diskless",
            disks=[],
            nics=[],
            os=backend.os,
            pnode=backend.node,
            start=False,
            name_check=False,
            ip_check=False,
            ignore_ipolicy=True,
            osparams=osparams,
            dry_run=True,
        )
        return c.wait_for_job(job_id, timeout=60)

    assert dry_run({"ssh_key": "ssh-ed25519 AAAA x"}).status == "success"
    with pytest.raises(JobFailed) as failed:
        dry_run({"root_key": "x"})
    assert "not supported by the OS noop" in failed.value.error_message
    assert "root_key" in failed.value.error_message
    assert name not in c.list_instances()


def test_it_reads_every_resource_gwm_stores_with_the_recorded_shapes(backend):
    c = backend.client()
    name = backend.unique_name("shape")
    with instances(c, name):
        create(backend, c, name, start=True)
        info = c.info()
        assert info.enabled_hypervisors and info.master == backend.node
        no_problems([recording("info")], [info.raw])
        assert c.version() == 2
        assert set(c.features()) == set(recording("features"))
        assert backend.os in c.operating_systems()
        nodes = c.list_nodes_bulk()
        assert [n.name for n in nodes] == c.list_nodes() == [backend.node]
        no_problems(recording("nodes_bulk"), [n.raw for n in nodes])
        no_problems([recording("node")], [c.get_node(backend.node).raw])
        assert c.get_node_role(backend.node) == "master"
        no_problems(recording("groups_bulk"), c.list_groups_bulk())
        assert c.list_groups() == ["default"]
        assert isinstance(c.list_networks_bulk(), list)
        recorded = recording("instances_bulk") + recording("instances_bulk_before")
        no_problems(recorded, [i.raw for i in c.list_instances_bulk()])
        inst = c.get_instance(name)
        no_problems(recorded, [inst.raw])
        assert inst.status == "running" and inst.oper_state and inst.memory == 128
        jobs = c.list_jobs_bulk()
        no_problems(recording("jobs_bulk"), [j.raw for j in jobs], {"start_ts", "end_ts"})
        full = [
            recording(n)
            for n in (
                "job_instance_create",
                "job_instance_info",
                "job_instance_shutdown",
                "job_node_storage_file",
            )
        ]
        no_problems(full, [c.get_job(jobs[-1].id).raw])


def test_it_rejects_a_wrong_password(backend):
    with pytest.raises(RapiAuthenticationError) as info:
        backend.client(password="not-the-password").info()
    assert info.value.status == 401 and info.value.path == "/2/info"


def test_it_rejects_writes_of_a_read_only_user(backend):
    ro = backend.ro_client()
    assert ro.info().master == backend.node  # reading is fine
    with pytest.raises(RapiPermissionDenied) as info:
        ro.add_tags("cluster", ["gwm-ro-was-here"])
    assert info.value.status == 403
    assert "gwm-ro-was-here" not in backend.client().get_tags("cluster")


def test_it_refuses_a_wrong_pinned_fingerprint(backend):
    wrong = backend.client(trust=TlsTrust.pinned(format_fingerprint("ab" * 32)))
    if backend.sim:
        backend.sim.reset_records()
    with pytest.raises(RapiCertificateMismatch):
        wrong.info()
    if backend.sim:
        assert backend.sim.connections == 1 and backend.sim.requests == []


def test_it_fetches_the_fingerprint_that_the_pin_needs(backend):
    host_port = backend.url.removeprefix("https://").rsplit(":", 1)
    fingerprint = fetch_certificate_fingerprint(host_port[0].strip("[]"), int(host_port[1]), 5)
    assert fingerprint == format_fingerprint(backend.fingerprint)
    assert backend.client(trust=TlsTrust.pinned(fingerprint)).version() == 2


def test_it_verifies_with_the_ca_bundle(backend):
    assert backend.client(trust=TlsTrust.ca_bundle(backend.ca_file)).version() == 2


def test_it_runs_an_instance_through_its_life(backend):
    c = backend.client()
    a, f = backend.unique_name("dl"), backend.unique_name("file")
    renamed = backend.unique_name("renamed")
    with instances(c, a, f, renamed):
        create(backend, c, a, start=False)
        create(backend, c, f, "file", start=True)
        assert c.get_instance(a).status == "ADMIN_down"
        assert c.get_instance(f).disk_sizes == [1024]
        # start, stop, reboot
        c.wait_for_job(c.startup_instance(a))
        assert c.get_instance(a).status == "running"
        for kind in ("soft", "hard", "full"):
            assert c.wait_for_job(c.reboot_instance(a, kind)).succeeded
        c.wait_for_job(c.shutdown_instance(a, timeout=10))
        assert c.get_instance(a).status == "ADMIN_down"
        # modify: memory, a second NIC
        c.wait_for_job(c.modify_instance(a, beparams={"memory": 256}))
        assert c.get_instance(a).memory == 256
        c.wait_for_job(c.modify_instance(a, nics=[["add", {}]]))
        assert len(c.get_instance(a).nic_macs) == 2
        # tags
        c.wait_for_job(c.add_tags("instance", ["web", "env:test"], a))
        assert sorted(c.get_tags("instance", a)) == ["env:test", "web"]
        c.wait_for_job(c.delete_tags("instance", ["web"], a))
        assert c.get_tags("instance", a) == ["env:test"]
        # rename (stopped)
        c.wait_for_job(c.rename_instance(a, renamed, ip_check=False, name_check=False))
        names = c.list_instances()
        assert renamed in names and a not in names
        # disks of the file instance: activate, grow, deactivate once stopped
        assert c.wait_for_job(c.activate_instance_disks(f)).succeeded
        c.wait_for_job(c.grow_instance_disk(f, 0, 256, wait_for_sync=False))
        assert c.get_instance(f).disk_sizes == [1280]
        c.wait_for_job(c.shutdown_instance(f))
        assert c.wait_for_job(c.deactivate_instance_disks(f)).succeeded
        # reinstall (Ganeti shuts down, reinstalls, starts)
        job = c.wait_for_job(c.reinstall_instance(f, os=backend.os.replace("default", "minimal")))
        assert job.opstatus == ["success", "success", "success"]
        inst = c.get_instance(f)
        assert inst.os.endswith("+minimal") and inst.status == "running"
        # console: the fake hypervisor has none, and a stopped instance none at all
        console = c.get_instance_console(f)
        assert console.kind == "msg" and console.instance == f
        with pytest.raises(RapiServerError) as info:
            c.get_instance_console(renamed)
        assert info.value.status == 503
        # live instance data through a job
        data = c.wait_for_job(c.get_instance_info(f)).result
        assert data[f]["pnode"] == backend.node and data[f]["run_state"] == "up"
        # delete
        c.wait_for_job(c.delete_instance(renamed))
        c.wait_for_job(c.delete_instance(f))
        assert renamed not in c.list_instances() and f not in c.list_instances()


def test_it_allocates_several_instances_at_once(backend):
    c = backend.client()
    names = [backend.unique_name(f"multi{i}") for i in range(2)]
    with instances(c, *names):
        allocs = [
            RapiClient.instance_allocation(
                n,
                disk_template="diskless",
                disks=[],
                nics=[{}],
                os=backend.os,
                pnode=backend.node,
                hypervisor="fake",
                name_check=False,
                ip_check=False,
                start=False,
            )
            for n in names
        ]
        result = c.wait_for_job(c.create_instances(allocs)).result
        assert result["allocatable"] == names and result["failed"] == []
        for ok, job_id in result["jobs"]:
            assert ok is True
            assert c.wait_for_job(job_id, timeout=120).succeeded
        assert set(names) <= set(c.list_instances())


def test_it_reports_what_ganeti_refuses_on_one_node_as_typed_errors(backend):
    c = backend.client()
    name = backend.unique_name("refused")
    with instances(c, name):
        create(backend, c, name, start=True)
        for submit in (lambda: c.migrate_instance(name), lambda: c.failover_instance(name)):
            with pytest.raises(JobFailed) as info:
                c.wait_for_job(submit())
            assert info.value.error_class == "OpPrereqError"
            assert info.value.error_code == REFUSED_EVERYWHERE
            assert "Can't find any good node" in info.value.error_message
        with pytest.raises(JobFailed) as info:
            c.wait_for_job(c.evacuate_node(backend.node, mode="primary-only"))
        assert info.value.error_class == "OpExecError"
        assert "Unable to evacuate instances" in info.value.error_message
        for submit in (
            lambda: c.set_node_role(backend.node, "drained", force=True),
            lambda: c.modify_node(backend.node, offline=True),
        ):
            with pytest.raises(JobFailed) as info:
                c.wait_for_job(submit())
            assert (info.value.error_class, info.value.error_code) == (
                "OpPrereqError",
                "wrong_input",
            )
            assert (
                info.value.error_message
                == "The master role can be changed only via master-failover"
            )
        assert c.get_node_role(backend.node) == "master"
        with pytest.raises(JobFailed) as info:
            c.wait_for_job(c.deactivate_instance_disks(name))
        assert info.value.error_code == "wrong_state"
        with pytest.raises(JobFailed) as info:
            c.wait_for_job(c.reinstall_instance(name))
        assert info.value.error_code == "wrong_input"
        assert info.value.error_message.endswith("has no disks")


def test_it_cancels_a_queued_job(backend):
    c = backend.client()
    marker = backend.unique_name("pause").split(".")[0]
    rule = c.request(
        "POST",
        "/2/filters",
        body={
            "priority": 0,
            "predicates": [["reason", ["=", "reason", marker]]],
            "action": "PAUSE",
        },
    )
    try:
        job_id = c.add_tags("cluster", [marker], reason=marker)
        assert c.get_job(job_id).status == "queued"
        assert c.cancel_job(job_id) == (True, f"Dequeued job {job_id}")
        with pytest.raises(JobFailed) as info:
            c.wait_for_job(job_id)
        assert info.value.status == "canceled" and info.value.job.opstatus == ["canceled"]
    finally:
        c.request("DELETE", f"/2/filters/{rule}")
    assert marker not in c.get_tags("cluster")
    done = c.add_tags("cluster", [marker])
    c.wait_for_job(done)
    assert c.cancel_job(done)[0] is False
    c.wait_for_job(c.delete_tags("cluster", [marker]))


def test_it_follows_a_job_with_long_poll_or_polling(backend):
    c, ro = backend.client(), backend.ro_client()
    tag = backend.unique_name("tag").split(".")[0]
    job_id = c.add_tags("cluster", [tag])
    first = c.wait_for_job_change(job_id, ["status"])
    assert first is not None and first.job_info[0] in ("queued", "waiting", "running", "success")
    assert ro.wait_for_job(job_id, poll_interval=0.2).succeeded  # 403 on /wait -> polling
    job = c.wait_for_job(job_id)
    assert job.succeeded and job.summary == ["TAGS_SET"]
    c.wait_for_job(c.delete_tags("cluster", [tag]))


def test_it_reports_unknown_objects_as_not_found(backend):
    c = backend.client()
    with pytest.raises(RapiNotFound):
        c.get_instance("nosuch.ganeti.test")
    with pytest.raises(RapiNotFound):
        c.get_node("nosuch.ganeti.test")
    with pytest.raises(RapiNotFound):
        c.get_job(987654)
    with pytest.raises(RapiNotFound) as info:
        c.get_tags("instance", "nosuch.ganeti.test")
    assert info.value.ganeti_code == "unknown_entity"


def test_it_queries_node_storage(backend):
    c = backend.client()
    rows = c.wait_for_job(c.get_node_storage(backend.node, "file", ["name", "size", "free"])).result
    assert len(rows) == 1 and rows[0][0] == "/srv/ganeti/file-storage"
    assert all(isinstance(v, int) for v in rows[0][1:])
