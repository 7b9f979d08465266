"""gwm-worker as real processes: clean stop, and several workers sharing one database."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from contextlib import ExitStack

from ganeti_webmgr.ganeti import RapiClient, TlsTrust
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

from .conftest import BIN


def add_cluster(site, sim: RapiSimulator, name: str) -> None:
    password = site.data_dir.parent / "rapi-password"
    password.write_text("gwm-secret\n")
    result = site.run(
        "gwm-manage",
        "cluster",
        "add",
        name,
        "--hostname",
        sim.host,
        "--port",
        str(sim.port),
        "--username",
        "gwm",
        "--password-file",
        str(password),
        "--fingerprint",
        sim.fingerprint,
    )
    assert result.returncode == 0, result.stderr


def start_worker(site, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gwm-worker"), "--once", "--name", name],
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def instance_reads(sim: RapiSimulator) -> int:
    return sum(1 for r in sim.requests if r.method == "GET" and r.path == "/2/instances")


def test_two_workers_never_sync_the_same_cluster(initialised_site):
    site = initialised_site
    with ExitStack() as stack:
        # Eight different clusters: GWM refuses the same Ganeti cluster (name, UUID) twice.
        sims = [
            stack.enter_context(
                RapiSimulator(
                    SimCluster.generate(nodes=1, instances=20, name=f"c{n}.sim.test", seed=n)
                )
            )
            for n in range(8)
        ]
        for number, sim in enumerate(sims):
            add_cluster(site, sim, f"c{number}")
        for sim in sims:
            sim.inject("latency", path="/2/instances", seconds=0.3)  # widen the race
        first, second = start_worker(site, "w1"), start_worker(site, "w2")
        logs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert first.returncode == second.returncode == 0, logs
    assert [instance_reads(sim) for sim in sims] == [1] * 8, logs
    synced_by = [[f"c{n}" for n in range(8) if f"c{n}: synced" in log] for log in logs]
    assert sorted(synced_by[0] + synced_by[1]) == sorted(f"c{n}" for n in range(8))
    listing = json.loads(site.run("gwm-manage", "cluster", "list", "--json").stdout)
    assert {c["name"]: c["virtual_machines"] for c in listing} == {f"c{n}": 20 for n in range(8)}


def test_two_workers_never_follow_the_same_job(initialised_site):
    site = initialised_site
    with RapiSimulator(
        SimCluster.generate(nodes=2, instances=12), op_duration=0.2, wait_timeout=2
    ) as sim:
        add_cluster(site, sim, "jobs")
        client = RapiClient(
            sim.url, username="gwm", password="gwm-secret", trust=TlsTrust.pinned(sim.fingerprint)
        )
        job_ids = [client.reboot_instance(f"inst{n}.sim.test") for n in range(1, 13)]
        site.python(
            "from ganeti_webmgr.jobs.models import Job\n"
            "from ganeti_webmgr.clusters.models import Cluster\n"
            "c = Cluster.objects.get(slug='jobs')\n"
            f"for i, j in enumerate({job_ids}, 1):\n"
            "    Job.objects.create(cluster=c, job_id=j, target_kind='vm',"
            " target_name=f'inst{i}.sim.test')\n"
        )
        first, second = start_worker(site, "w1"), start_worker(site, "w2")
        logs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert first.returncode == second.returncode == 0, logs
    followed = [{j for j in job_ids if f"following jobs job {j}\n" in log} for log in logs]
    assert followed[0].isdisjoint(followed[1]), logs
    assert followed[0] | followed[1] == set(job_ids)
    states = site.python(
        "from ganeti_webmgr.jobs.models import Job\n"
        "print(sorted(set(Job.objects.values_list('status', 'finished'))))"
    )
    assert states.strip() == "[('success', True)]", logs


def test_sigterm_mid_sync_stops_cleanly_without_writing(initialised_site):
    site = initialised_site
    with RapiSimulator(SimCluster.generate(nodes=2, instances=30)) as sim:
        add_cluster(site, sim, "slow")
        sim.inject("latency", path="/2/instances", seconds=2)
        process = subprocess.Popen(
            [str(BIN / "gwm-worker")],
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        # The simulator records a request once answered: /2/nodes comes just before
        # the slow /2/instances read.
        while not any(r.path == "/2/nodes" for r in sim.requests):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        time.sleep(0.5)
        assert not any(r.path == "/2/instances" for r in sim.requests)
        process.send_signal(signal.SIGTERM)  # while the sync waits for Ganeti
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    assert "sync abandoned, stopping" in output
    assert "stopped" in output.splitlines()[-1]
    count = site.python(
        "from ganeti_webmgr.virtual_machines.models import VirtualMachine\n"
        "from ganeti_webmgr.clusters.models import Cluster\n"
        "c = Cluster.objects.get(slug='slow')\n"
        "print(VirtualMachine.objects.count(), c.last_sync_at, repr(c.sync_claimed_by))"
    )
    assert count.strip() == "0 None ''"  # nothing half-written, claim released


def test_a_new_worker_takes_over_a_killed_workers_claims_within_30_seconds(initialised_site):
    site = initialised_site
    with RapiSimulator(SimCluster.generate(nodes=1, instances=2), wait_timeout=2) as sim:
        add_cluster(site, sim, "stuck")
        client = RapiClient(
            sim.url, username="gwm", password="gwm-secret", trust=TlsTrust.pinned(sim.fingerprint)
        )
        with sim.hold_jobs():  # the job stays queued: followed, never ended
            job_id = client.reboot_instance("inst1.sim.test")
            site.python(
                "from ganeti_webmgr.jobs.models import Job\n"
                "from ganeti_webmgr.clusters.models import Cluster\n"
                "c = Cluster.objects.get(slug='stuck')\n"
                f"Job.objects.create(cluster=c, job_id={job_id}, target_kind='vm',"
                " target_name='inst1.sim.test')\n"
            )
            sim.inject("hang", path="^/2/instances$", seconds=60)  # the sync never ends
            claims = (
                "from ganeti_webmgr.jobs.models import Job\n"
                "from ganeti_webmgr.clusters.models import Cluster\n"
                "print(Cluster.objects.get(slug='stuck').sync_claimed_by,"
                " Job.objects.get().follow_claimed_by)"
            )
            first = subprocess.Popen(
                [str(BIN / "gwm-worker"), "--name", "first"],
                env=site.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                deadline = time.monotonic() + 30
                while site.python(claims).split() != ["first", "first"]:
                    assert time.monotonic() < deadline, "the first worker never claimed"
                first.kill()  # SIGKILL: no cleanup, claims left behind
                first.wait(timeout=10)
                started = time.monotonic()
                second = subprocess.Popen(
                    [str(BIN / "gwm-worker"), "--name", "second"],
                    env=site.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                try:
                    while site.python(claims).split() != ["second", "second"]:
                        assert time.monotonic() - started < 30, "no takeover within 30 s"
                    took = time.monotonic() - started
                finally:
                    second.kill()  # its sync hangs too; a clean stop would wait for it
                    second.communicate(timeout=30)
            finally:
                if first.poll() is None:
                    first.kill()
    assert took < 30
