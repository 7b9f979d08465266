"""Test-wide setup: a throwaway configuration directory, made before Django loads.

Loaded with `-p` (see pyproject.toml) because pytest-django reads the settings
before any conftest.py is imported.

The database comes from GWM_DATABASE_* when set (make test-databases runs the
suite on PostgreSQL and MariaDB that way); otherwise SQLite.
"""

import atexit
import copy
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


@pytest.fixture(scope="session")
def _smtp_server():
    from ganeti_webmgr.testing.smtp import smtp_server

    with smtp_server() as server:
        yield server


@pytest.fixture
def smtp_server(_smtp_server, settings):
    """A real SMTP server (aiosmtpd) on loopback that GWM sends its mail to, as [email]
    host and port would make it; .received lists what arrived, this test's only."""
    _smtp_server.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = _smtp_server.host, _smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.PASSWORD_RESET_ENABLED = True
    return _smtp_server


@pytest.fixture(scope="session")
def ldap_directory():
    """Debian's slapd on loopback with the test directory of testing/slapd.py (people
    dora and ed, groups vm-operators and gwm-admins); fails when slapd is missing."""
    from ganeti_webmgr.testing.slapd import missing, slapd

    if why := missing():
        pytest.fail(why)
    with slapd() as directory:
        yield directory


@pytest.fixture
def ldap_signin(ldap_directory, configure, settings):
    """ldap_signin(**keys): LDAP sign-in on for this test, against ldap_directory, with
    [ldap] keys (posixGroup groups, all mirrored, unless overridden) turned into Django
    settings by the code settings.py runs."""
    from ganeti_webmgr import conf
    from ganeti_webmgr.accounts import ldap_settings
    from ganeti_webmgr.testing import slapd

    def enable(**keys):
        values = {
            "enabled": True,
            "server_uri": ldap_directory.uri,
            "bind_dn": slapd.BIND_DN,
            "bind_password": slapd.BIND_PASSWORD,
            "user_search_base": f"ou=people,{slapd.SUFFIX}",
            "group_search_base": f"ou=groups,{slapd.SUFFIX}",
            "group_type": "posixGroup",
            "mirror_groups": ["all"],
            **keys,
        }
        for name, value in values.items():
            configure("ldap", name, value)
        settings.LDAP_STATE = ldap_settings.state(conf.current())
        for name, value in ldap_settings.django_settings(conf.current()).items():
            setattr(settings, name, value)
        backends = [b for b in settings.AUTHENTICATION_BACKENDS if b != ldap_settings.BACKEND]
        after = backends.index("django.contrib.auth.backends.ModelBackend") + 1
        settings.AUTHENTICATION_BACKENDS = [
            *backends[:after],
            ldap_settings.BACKEND,
            *backends[after:],
        ]
        return ldap_directory

    return enable


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


@pytest.fixture(scope="session")
def _catalogs():
    from ganeti_webmgr.core.catalogs import compile_catalogs

    compile_catalogs()


@pytest.fixture
def catalogs(_catalogs, settings):
    """The translation catalogs compiled and loaded afresh; each request's language is
    the one the middleware picks (Accept-Language, the profile's choice)."""
    # Django forgets the catalogs it loaded (they may predate the compilation).
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


@pytest.fixture
def german(catalogs):
    """Pages render in German: the catalogs compiled, German active, and the headers
    a German browser sends (pass them to the client: client.get(url, **german))."""
    from django.utils import translation

    with translation.override("de"):
        yield {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def synced_cluster(simulator, make_cluster):
    """The simulator's cluster ("sim"), synced once: its 10 VMs and 3 nodes in GWM."""
    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.inventory import sync

    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    return Cluster.objects.get(pk=cluster.pk)


@pytest.fixture
def own_vms(synced_cluster):
    """own_vms(owner, *names, grant=()): owner (a user or a group) owns these VMs of the
    synced cluster, holds the permissions in `grant` on each, and the owner's quota
    holdings are what a sync would leave. Returns the VMs."""
    from django.contrib.auth.models import Group

    from ganeti_webmgr.permissions.grants import set_permissions
    from ganeti_webmgr.virtual_machines import holdings
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    def own(owner, *names, grant=()):
        field = "owner_group" if isinstance(owner, Group) else "owner_user"
        vms = list(VirtualMachine.objects.filter(cluster=synced_cluster, name__in=names))
        assert len(vms) == len(names), f"no such VMs among {names}"
        VirtualMachine.objects.filter(pk__in=[vm.pk for vm in vms]).update(**{field: owner})
        for vm in vms:
            if grant:
                set_permissions(vm, owner, list(grant))
        holdings.refresh(synced_cluster, [owner])
        return vms

    return own


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


# -- moving from GWM 0.11 ------------------------------------------------------------
@pytest.fixture
def gwm011_database(tmp_path, settings):
    """A GWM 0.11 database (SQLite, 0.11.1's tables): 3 clusters, 50 users, 5
    organizations, quotas, grants, VMs, templates, log items. Its .url, .secret_key
    and what it holds (testing/gwm011.py's Source). PBKDF2 and the wrapped old
    hashers are enabled, as the imported hashes need them."""
    from ganeti_webmgr.gwm011 import hashers
    from ganeti_webmgr.testing import gwm011

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *hashers.WRAPPERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    return gwm011.build(tmp_path / "gwm011.sqlite")


@pytest.fixture
def gwm011_server_database(settings):
    """gwm011_server_database("postgresql" or "mysql"): the same 0.11 database built
    on the test database server (skipped when it does not answer), dropped after."""
    from contextlib import ExitStack

    from ganeti_webmgr.gwm011 import hashers
    from ganeti_webmgr.testing import gwm011

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *hashers.WRAPPERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    with ExitStack() as stack:

        def build(dialect: str):
            name = f"gwm011_source_{os.getpid()}"
            try:
                return stack.enter_context(gwm011.on_server(dialect, name))
            except LookupError as error:
                pytest.skip(str(error))

        yield build


# -- the REST API ------------------------------------------------------------------
@pytest.fixture
def api(db):
    """api(user, write=True, **token options): a DRF test client signed in with a new
    API token of user's (client.token is it, client.secret its secret); api(None): no
    credentials."""
    from rest_framework.test import APIClient

    from ganeti_webmgr.api import tokens

    made = iter(range(1, 10_000))

    def make(user, write=True, name=None, **options):
        client = APIClient()
        if user is not None:
            name = name or f"tests-{next(made)}"
            issued = tokens.issue(user, name, write=write, **options)
            client.token, client.secret = issued.token, issued.secret
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
        return client

    return make


# -- two-factor sign-in ---------------------------------------------------------------
@pytest.fixture
def totp_code():
    """totp_code(device, steps=0): the code the user's authenticator app shows now
    (steps later), computed from the device's key as the app does (it knows no drift)."""
    import time

    from django_otp.oath import TOTP

    def code(device, steps: int = 0) -> str:
        generator = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
        generator.time = time.time() + steps * device.step
        return f"{generator.token():0{device.digits}d}"

    return code


@pytest.fixture
def enrolled(totp_code):
    """enrolled(user): user with a confirmed authenticator; returns (device, recovery
    codes). The current code confirmed it (a code works once): use totp_code(device, 1)."""
    from ganeti_webmgr.two_factor import devices

    def enrol(user):
        device = devices.enrolment_device(user)
        codes = devices.confirm(None, device, totp_code(device))
        assert codes is not None
        return device, codes

    return enrol


# -- single sign-on: a real OpenID Connect provider (django-oauth-toolkit) on loopback -------
SSO_CALLBACK = "http://testserver/sso/callback"  # the test client's host


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider: dora (groups ops and auditors there), erin (none) and frank (ops)."""
    from ganeti_webmgr.testing.oidc_provider import IdpUser, OidcProvider

    users = [
        IdpUser("dora", "dora-idp-password", ["ops", "auditors"]),
        IdpUser("erin", "erin-idp-password"),
        IdpUser("frank", "frank-idp-password", ["ops"]),
    ]
    with OidcProvider(users, SSO_CALLBACK) as idp:
        yield idp


@pytest.fixture(scope="session")
def other_oidc_provider():
    """Another provider, with a key of its own, that says it is http://idp.example."""
    from ganeti_webmgr.testing.oidc_provider import IdpUser, OidcProvider

    users = [IdpUser("dora", "dora-idp-password", ["ops"])]
    with OidcProvider(users, SSO_CALLBACK, issuer="http://idp.example") as idp:
        yield idp


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on (bound, then let go)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sso(configure, oidc_provider, db):
    """[oidc] set up for oidc_provider, the ops group mirrored; sso.sign_in(client, name,
    password) runs the whole authorization-code flow and returns GWM's answer to the
    callback."""
    from ganeti_webmgr.sso import provider
    from ganeti_webmgr.testing.oidc_provider.flow import SignIn

    for name, value in {
        "enabled": True,
        "issuer": oidc_provider.issuer,
        "client_id": oidc_provider.client_id,
        "client_secret": oidc_provider.client_secret,
        "scopes": ["openid", "profile", "email", "groups"],
        "mirrored_groups": ["ops"],
    }.items():
        configure("oidc", name, value)
    provider.forget()
    yield SignIn(oidc_provider, configure)
    provider.forget()


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


# Who the people fixture has, from nobody to everything.
ROLES = ["anonymous", "plain", "vm_power", "vm_admin", "via_group", "cluster_admin", "superuser"]


@pytest.fixture(scope="module")
def _people_world(django_db_setup, django_db_blocker):
    """people's rows, made once per module in a transaction of the module's that is
    rolled back after its last test, as Django's TestCase.setUpTestData does; each
    test's own transaction is a savepoint inside it. (The matrix alone has 1,800
    tests; making the world for each was a tenth of a suite's time.)"""
    from django.db import transaction

    module = transaction.atomic()
    with django_db_blocker.unblock():
        module.__enter__()
    try:
        with django_db_blocker.unblock():
            users = _make_people()
        yield users
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module.__exit__(None, None, None)


@pytest.fixture
def people(_people_world, db):
    """Two clusters (a, b) with a VM, a job, a request, a node and a template each, and
    one user per ROLES entry (but anonymous), granted what the role says: the world
    of the authorization matrix, the page-header test and the fuzz test. The users
    are copies, so that what a test caches on or changes in one stays in that test.
    """
    return copy.deepcopy(_people_world)


def _make_people() -> dict:
    from django.contrib.auth.models import Group, User
    from django.core.management.color import no_style
    from django.db import connection

    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.jobs.models import Job
    from ganeti_webmgr.nodes.models import Node
    from ganeti_webmgr.permissions.grants import set_permissions
    from ganeti_webmgr.provisioning.models import CreationRequest, VMTemplate
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    # Nothing listens on 127.0.0.1:1: allowed writes fail at once, never leave the host.
    a = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    b = Cluster.objects.create(slug="b", hostname="127.0.0.1", port=1)
    a1 = VirtualMachine.objects.create(cluster=a, name="a1")
    b1 = VirtualMachine.objects.create(cluster=b, name="b1")
    # GWM's ids as Ganeti's (the API's job addresses name GWM's): 1 and 2 on every database.
    Job.objects.create(
        pk=1, cluster=a, job_id=1, virtual_machine=a1, target_kind="vm", target_name="a1"
    )
    Job.objects.create(
        pk=2, cluster=b, job_id=2, virtual_machine=b1, target_kind="vm", target_name="b1"
    )
    for pk, cluster, vm in ((101, a, a1), (102, b, b1)):
        Job.objects.create(
            pk=pk, cluster=cluster, status="submitting", virtual_machine=vm, target_kind="vm"
        )
    Node.objects.create(cluster=a, name="n1")
    Node.objects.create(cluster=b, name="n2")
    users = {
        role: User.objects.create_user(role, f"{role}@example.org", "pw")
        for role in ROLES
        if role not in ("anonymous", "superuser")
    }
    users["superuser"] = User.objects.create_superuser("superuser", "s@example.org", "pw")
    group = Group.objects.create(name="team")
    users["via_group"].groups.add(group)
    set_permissions(a1, users["vm_power"], ["power"])
    set_permissions(a1, users["vm_admin"], ["admin"])
    set_permissions(a1, group, ["power"])
    set_permissions(a, users["cluster_admin"], ["admin"])
    # Creation requests: their requester's and the cluster admins' business.
    CreationRequest.objects.create(pk=1, cluster=a, requested_by=users["vm_power"])
    CreationRequest.objects.create(pk=2, cluster=b, requested_by=users["superuser"])
    VMTemplate.objects.create(pk=1, cluster=a, name="t")
    VMTemplate.objects.create(pk=2, cluster=b, name="t")
    # Rows made with explicit ids: PostgreSQL's sequences must learn of them, or the
    # next row made (a copied template) would take id 1 again.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [VMTemplate, CreationRequest, Job]
        ):
            cursor.execute(sql)
    return users


@pytest.fixture
def loopback_only(monkeypatch):
    """Sockets may reach loopback addresses only: a test that types arbitrary host
    names into forms (the fuzz test) can never send anything off this machine."""
    import ipaddress
    import socket

    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def loopback(host) -> bool:
        try:
            return ipaddress.ip_address(str(host).strip("[]").split("%")[0]).is_loopback
        except ValueError:
            return host == "localhost"

    def getaddrinfo(host, *args, **kwargs):
        if not loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"{host!r} is not a loopback address")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not loopback(address[0]):
            raise ConnectionRefusedError(f"{address[0]!r} is not a loopback address")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
