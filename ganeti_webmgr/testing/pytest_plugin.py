"""Test-wide setup: a throwaway configuration directory, made before Django loads.

Loaded with `-p` (see pyproject.toml) because pytest-django reads the settings
before any conftest.py is imported.

The database comes from GWM_DATABASE_* when set (make test-databases runs the
suite on PostgreSQL and MariaDB that way); otherwise SQLite.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_config_dir = Path(tempfile.mkdtemp(prefix="gwm-test-config-"))
atexit.register(shutil.rmtree, _config_dir, ignore_errors=True)
(_config_dir / "settings.conf").write_text(f"[paths]\ndata_dir = {_config_dir}/data\n")
(_config_dir / "data/static").mkdir(parents=True)  # WhiteNoise warns when it is missing
os.environ["GWM_CONFIG_DIR"] = str(_config_dir)

from ganeti_webmgr.conf import credentials_key, secret_key  # noqa: E402 - needs GWM_CONFIG_DIR

secret_key.create(_config_dir / "secret_key")
credentials_key.create(_config_dir / "credentials_key")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def simulator():
    """A RAPI simulator with 3 nodes and 10 instances; /wait answers after 1 s."""
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

    with RapiSimulator(SimCluster.generate(nodes=3, instances=10), wait_timeout=1.0) as sim:
        yield sim


@pytest.fixture
def configure(monkeypatch):
    """configure(section, name, value): override one configuration key for this test."""
    from ganeti_webmgr import conf
    from ganeti_webmgr.conf.loader import Setting

    def set_value(section, name, value):
        monkeypatch.setitem(conf.current().settings, (section, name), Setting(value, "test"))

    return set_value


@pytest.fixture(scope="session")
def vnc_server():
    """A real VNC server (TigerVNC's Xvnc) on loopback, 320x200, with a VNC password."""
    from ganeti_webmgr.testing.vnc import xvnc

    with xvnc() as server:
        yield server


@pytest.fixture(scope="session")
def vnc_tls_server():
    """Xvnc speaking only VeNCrypt X509Vnc, its certificate (for the simulator's
    node names) signed by a test CA whose PEM is the server's ca_pem."""
    from ganeti_webmgr.testing.vnc import make_tls, xvnc

    nodes = [f"node{i}.sim.test" for i in (1, 2, 3)]
    with xvnc(tls=make_tls(nodes)) as server:
        yield server


@pytest.fixture(scope="session")
def ssh_server():
    """A real sshd (Debian's) in a network namespace of its own, as a node's for the
    serial console; tests using it are marked netns and skipped without root."""
    from ganeti_webmgr.testing import sshd

    why_not = sshd.available()
    if why_not:
        pytest.skip(f"sshd in a network namespace {why_not}")
    try:
        with sshd.sshd() as server:
            yield server
    except sshd.NoNamespaces as error:
        pytest.skip(f"no network namespaces here: {error}")


@pytest.fixture
def console_vm(simulator, make_cluster, vnc_server, bob):
    """A running KVM VM of a synced simulator cluster whose VNC console is the Xvnc on
    loopback (its VNC password set in the cluster's console settings); bob may power it."""
    from guardian.shortcuts import assign_perm

    from ganeti_webmgr.console.models import ClusterConsole
    from ganeti_webmgr.inventory import sync
    from ganeti_webmgr.testing.vnc import point_console_at
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    name = point_console_at(simulator.cluster, vnc_server)
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    settings = ClusterConsole(cluster=cluster)
    settings.vnc_password = vnc_server.password
    settings.save()
    vm = VirtualMachine.objects.get(cluster=cluster, name=name)
    assign_perm("power", bob, vm)
    return vm


@pytest.fixture
def make_cluster(db):
    """make_cluster(sim, slug="sim", **fields): a Cluster that talks to a simulator."""
    from ganeti_webmgr.clusters.models import Cluster

    def make(sim, slug="sim", **fields):
        defaults = {
            "hostname": sim.host,
            "port": sim.port,
            "username": "gwm",
            "fingerprint": sim.fingerprint,
        }
        cluster = Cluster(slug=slug, **{**defaults, **fields})
        cluster.password = "gwm-secret"  # noqa: S105 - the simulator's test user
        cluster.save()
        return cluster

    return make


@pytest.fixture
def waiting_cluster(simulator, make_cluster):
    """A cluster whose auto_import is off, synced once: 10 VMs and 3 nodes pending."""
    from ganeti_webmgr.inventory import sync

    cluster = make_cluster(simulator, auto_import=False)
    sync.sync_cluster(cluster)
    return cluster


@pytest.fixture
def imported_cluster(simulator, make_cluster):
    """A cluster synced with auto_import on (every VM and node has a row), then turned off."""
    from ganeti_webmgr.inventory import sync

    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    cluster.auto_import = False
    cluster.save(update_fields=["auto_import"])
    return cluster


# The cast of the view tests (STYLE.md): tests give bob what they need.
@pytest.fixture
def alice(db):
    """A superuser."""
    from django.contrib.auth.models import User

    return User.objects.create_superuser("alice", "alice@example.org", "alice-password-1")


@pytest.fixture
def bob(db):
    """A plain user."""
    from django.contrib.auth.models import User

    return User.objects.create_user("bob", "bob@example.org", "bob-password-1")


@pytest.fixture
def charlie(db):
    """An outsider: no grants, no groups."""
    from django.contrib.auth.models import User

    return User.objects.create_user("charlie", "charlie@example.org", "charlie-password-1")


@pytest.fixture
def run_worker():
    """run_worker(): one gwm-worker pass in this process: submit what users asked for,
    follow the jobs to their end, as often as it takes until nothing is due."""
    from ganeti_webmgr.testing.worker import run_once

    return run_once


# -- the real Ganeti sandbox (tests marked ganeti; make test-ganeti) -----------------------
@pytest.fixture(scope="session")
def sandbox_env() -> dict[str, str]:
    """The sandbox's settings (bin/ganeti-sandbox up writes them); fails when it is down."""
    from ganeti_webmgr.ganeti.tests.helpers import SANDBOX_ENV, read_sandbox_env

    try:
        return read_sandbox_env()
    except OSError as error:
        pytest.fail(f"no Ganeti sandbox ({SANDBOX_ENV}: {error.strerror}); run make test-ganeti")


@pytest.fixture
def sandbox_cluster(sandbox_env, db):
    """The sandbox as the Cluster "sandbox", with its write credentials; not synced."""
    from ganeti_webmgr.clusters.models import Cluster

    cluster = Cluster(
        slug="sandbox",
        hostname=sandbox_env["GANETI_RAPI_HOST"],
        port=int(sandbox_env["GANETI_RAPI_PORT"]),
        username=sandbox_env["GANETI_RAPI_USER"],
        fingerprint=sandbox_env["GANETI_RAPI_CERT_SHA256"],
    )
    cluster.password = sandbox_env["GANETI_RAPI_PASSWORD"]
    cluster.save()
    return cluster


@pytest.fixture
def synced_sandbox(sandbox_cluster):
    """sandbox_cluster synced once, and not due for gwm-worker's next sync for an hour."""
    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.inventory import sync

    sync.record_success(sandbox_cluster, sync.sync_cluster(sandbox_cluster), 3600)
    return Cluster.objects.get(pk=sandbox_cluster.pk)


@pytest.fixture
def sandbox_instances():
    """Names of instances to remove from the sandbox after the test, whatever happens."""
    from ganeti_webmgr.testing.sandbox import remove_instance

    names: list[str] = []
    yield names
    for name in names:
        remove_instance(name)


# The creation wizard's POST, for the wizard's and the quotas' tests.
def _formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": "4",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "4",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def wizard_data():
    """wizard_data(**fields, disks=[...], nics=[...]): a valid POST of the wizard."""

    def make(disks=(), nics=({},), **fields):
        data = {
            "owner": "user:creator",
            "name": "new1.sim.test",
            "count": "1",
            "first_number": "1",
            "hypervisor": "fake",
            "os": "noop+default",
            "disk_template": "diskless",
            "memory": "512M",
            "minmem": "",
            "vcpus": "1",
            "nic_count": str(len(nics)),
            "pnode": "node1.sim.test",
            "snode": "",
            "start": "on",
        }
        data.update(_formset("disk", [{"size": size} for size in disks]))
        data.update(_formset("nic", list(nics)))
        data.update({k: v for k, v in fields.items() if v is not None})
        for key in [k for k, v in fields.items() if v is None]:
            data.pop(key, None)
        return data

    return make
