"""A GWM 0.11 database, built with plain SQL for the import tests.

The tables and columns are GWM 0.11.1's, as its models and South migrations leave
them: 0.11 moved the 0.7-era ganeti_web_* tables into per-app tables
(clusters_cluster, authentication_*, utils_quota, vm_templates_virtualmachinetemplate
as its vm_templates migration 0003 leaves it, ...), while the object permission
tables kept their ganeti_web_* names. The object log's tables are django-object-log
0.7.1's (object_log_logaction keyed by the action's name, object_log_logitem with
three generic objects and its cached data as JSON), its actions those 0.11's
utils/logs.py registers. Template disks and NICs are Python 2 pickles (protocol 0),
as django-fields' PickleField wrote them. Cluster passwords are encrypted as 0.11's
PatchedEncryptedCharField (django-fields 0.2.1's EncryptedCharField, cipher "AES",
no block type) stored them: AES in ECB mode keyed with SECRET_KEY[:32], the value
padded with a NUL and random printable characters to whole blocks, hex, behind
"$AES$". Written here on its own, so the importer's decryption is tested against an
independent encryption. User passwords are Django 1.4's PBKDF2-SHA256 hashes, a few
of its SHA1 and MD5 ones (OLD_HASHES).
"""

from __future__ import annotations

import binascii
import hashlib
import json
import os
import random
import re
import sqlite3
import string
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.contrib.auth.hashers import PBKDF2PasswordHasher

# Django 1.4's PBKDF2 iteration count: the hashes 0.11 stored have it.
DJANGO_14_ITERATIONS = 10000
OLD_SECRET_KEY = "0.11-secret-key-k9#xw!2m@q8v$z1p^r4t&y7u*i0o(a3s)d6f"  # noqa: S105 - the test installation's

SCHEMA = """
CREATE TABLE django_content_type (
    id integer PRIMARY KEY, name varchar(100) NOT NULL,
    app_label varchar(100) NOT NULL, model varchar(100) NOT NULL,
    UNIQUE (app_label, model));
CREATE TABLE auth_user (
    id integer PRIMARY KEY, username varchar(30) NOT NULL UNIQUE,
    first_name varchar(30) NOT NULL, last_name varchar(30) NOT NULL,
    email varchar(75) NOT NULL, password varchar(128) NOT NULL,
    is_staff bool NOT NULL, is_active bool NOT NULL, is_superuser bool NOT NULL,
    last_login datetime NOT NULL, date_joined datetime NOT NULL);
CREATE TABLE auth_group (id integer PRIMARY KEY, name varchar(80) NOT NULL UNIQUE);
CREATE TABLE auth_user_groups (
    id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES auth_user (id),
    group_id integer NOT NULL REFERENCES auth_group (id), UNIQUE (user_id, group_id));
CREATE TABLE authentication_clusteruser (
    id integer PRIMARY KEY, name varchar(128) NOT NULL,
    real_type_id integer NULL REFERENCES django_content_type (id));
CREATE TABLE authentication_profile (
    clusteruser_ptr_id integer PRIMARY KEY REFERENCES authentication_clusteruser (id),
    user_id integer NOT NULL UNIQUE REFERENCES auth_user (id));
CREATE TABLE authentication_organization (
    clusteruser_ptr_id integer PRIMARY KEY REFERENCES authentication_clusteruser (id),
    group_id integer NOT NULL UNIQUE REFERENCES auth_group (id));
CREATE TABLE jobs_job (
    id integer PRIMARY KEY, serialized_info text NOT NULL, mtime decimal NULL,
    cached decimal NULL, ignore_cache bool NOT NULL, job_id integer NOT NULL,
    content_type_id integer NOT NULL, object_id integer NOT NULL,
    cluster_id integer NOT NULL, cluster_hash varchar(40) NOT NULL,
    finished datetime NULL, status varchar(10) NOT NULL, op varchar(50) NOT NULL,
    processed bool NOT NULL);
CREATE TABLE clusters_cluster (
    id integer PRIMARY KEY, serialized_info text NOT NULL, mtime decimal NULL,
    cached decimal NULL, ignore_cache bool NOT NULL,
    hostname varchar(128) NOT NULL UNIQUE, slug varchar(50) NOT NULL UNIQUE,
    port integer unsigned NOT NULL, description varchar(128) NOT NULL,
    username varchar(128) NOT NULL, password varchar(293) NULL,
    hash varchar(40) NOT NULL, virtual_cpus integer NULL, disk integer NULL,
    ram integer NULL, last_job_id integer NULL REFERENCES jobs_job (id));
CREATE TABLE utils_quota (
    id integer PRIMARY KEY,
    user_id integer NOT NULL REFERENCES authentication_clusteruser (id),
    cluster_id integer NOT NULL REFERENCES clusters_cluster (id),
    ram integer NULL, disk integer NULL, virtual_cpus integer NULL);
CREATE TABLE utils_sshkey (
    id integer PRIMARY KEY, "key" text NOT NULL,
    user_id integer NOT NULL REFERENCES auth_user (id));
CREATE TABLE virtualmachines_virtualmachine (
    id integer PRIMARY KEY, serialized_info text NOT NULL, mtime decimal NULL,
    cached decimal NULL, ignore_cache bool NOT NULL,
    cluster_id integer NOT NULL REFERENCES clusters_cluster (id),
    hostname varchar(128) NOT NULL,
    owner_id integer NULL REFERENCES authentication_clusteruser (id),
    virtual_cpus integer NOT NULL, disk_size integer NOT NULL, ram integer NOT NULL,
    minram integer NOT NULL, cluster_hash varchar(40) NOT NULL,
    operating_system varchar(128) NOT NULL, status varchar(14) NOT NULL,
    primary_node_id integer NULL, secondary_node_id integer NULL,
    last_job_id integer NULL, pending_delete bool NOT NULL, template_id integer NULL,
    note_text text NOT NULL, UNIQUE (cluster_id, hostname));
CREATE TABLE ganeti_web_cluster_perms (
    id integer PRIMARY KEY, obj_id integer NOT NULL REFERENCES clusters_cluster (id),
    user_id integer NULL REFERENCES auth_user (id),
    group_id integer NULL REFERENCES auth_group (id),
    admin integer NOT NULL, create_vm integer NOT NULL, export integer NOT NULL,
    migrate integer NOT NULL, replace_disks integer NOT NULL, tags integer NOT NULL);
CREATE TABLE ganeti_web_virtualmachine_perms (
    id integer PRIMARY KEY,
    obj_id integer NOT NULL REFERENCES virtualmachines_virtualmachine (id),
    user_id integer NULL REFERENCES auth_user (id),
    group_id integer NULL REFERENCES auth_group (id),
    admin integer NOT NULL, modify integer NOT NULL, power integer NOT NULL,
    remove integer NOT NULL, tags integer NOT NULL);
CREATE TABLE vm_templates_virtualmachinetemplate (
    id integer PRIMARY KEY, template_name varchar(255) NOT NULL,
    temporary bool NOT NULL, description varchar(255) NOT NULL,
    cluster_id integer NULL REFERENCES clusters_cluster (id),
    start bool NOT NULL, no_install bool NOT NULL, ip_check bool NOT NULL,
    name_check bool NOT NULL, iallocator bool NOT NULL,
    iallocator_hostname varchar(255) NOT NULL, disk_template varchar(16) NOT NULL,
    pnode varchar(255) NOT NULL, snode varchar(255) NOT NULL, os varchar(255) NOT NULL,
    vcpus integer NULL, memory integer NULL, minmem integer NULL, disks text NULL,
    disk_type varchar(255) NOT NULL, nics text NULL, nic_type varchar(255) NOT NULL,
    hypervisor varchar(255) NOT NULL, kernel_path varchar(255) NOT NULL,
    root_path varchar(255) NOT NULL, serial_console bool NOT NULL,
    boot_order varchar(255) NOT NULL, cdrom_image_path varchar(512) NOT NULL,
    cdrom2_image_path varchar(512) NOT NULL, UNIQUE (cluster_id, template_name));
CREATE TABLE object_log_logaction (
    name varchar(128) PRIMARY KEY, template varchar(128) NOT NULL UNIQUE);
CREATE TABLE object_log_logitem (
    id integer PRIMARY KEY,
    action_id varchar(128) NOT NULL REFERENCES object_log_logaction (name),
    timestamp datetime NOT NULL, user_id integer NOT NULL REFERENCES auth_user (id),
    object_type1_id integer NULL REFERENCES django_content_type (id),
    object_id1 integer unsigned NULL,
    object_type2_id integer NULL REFERENCES django_content_type (id),
    object_id2 integer unsigned NULL,
    object_type3_id integer NULL REFERENCES django_content_type (id),
    object_id3 integer unsigned NULL, serialized_data text NULL);
"""
# django-object-log's actions GWM 0.11 registered (utils/logs.py), with its templates.
LOG_ACTIONS = {
    "CREATE": "object_log/add.html",
    "EDIT": "object_log/edit.html",
    "DELETE": "object_log/delete.html",
    "VM_REBOOT": "ganeti/object_log/vm_reboot.html",
    "VM_START": "ganeti/object_log/vm_start.html",
    "VM_STOP": "ganeti/object_log/vm_stop.html",
    "VM_RENAME": "ganeti/object_log/vm_rename.html",
    "ADD_USER": "ganeti/object_log/permissions/add_user.html",
    "MODIFY_PERMS": "ganeti/object_log/permissions/modify_perms.html",
}


def encrypt_011(plaintext: str, secret_key: str) -> str:
    """A cluster password as 0.11 stored it (see the module docstring)."""
    value = plaintext.encode()
    block = 16
    padding = block - (len(value) + 2) % block + 2  # at least a NUL and one character
    rng = random.Random(plaintext)  # noqa: S311 - padding, not a secret
    value += b"\0" + "".join(rng.choice(string.printable) for _ in range(padding - 1)).encode()
    cipher = Cipher(algorithms.AES(secret_key[:32].encode()), modes.ECB())  # noqa: S305 - 0.11's
    encryptor = cipher.encryptor()
    return "$AES$" + binascii.b2a_hex(encryptor.update(value) + encryptor.finalize()).decode()


def hash_011(password: str, salt: str) -> str:
    return PBKDF2PasswordHasher().encode(password, salt, iterations=DJANGO_14_ITERATIONS)


def sha1_011(password: str, salt: str) -> str:
    """Django 1.3's default hash (sites upgraded from older GWMs still have them)."""
    return f"sha1${salt}${hashlib.sha1((salt + password).encode()).hexdigest()}"  # noqa: S324


def md5_011(password: str, salt: str = "") -> str:
    """Django's salted MD5 hash, or with no salt the bare unsalted one."""
    digest = hashlib.md5((salt + password).encode()).hexdigest()  # noqa: S324 - 0.11's
    return f"md5${salt}${digest}" if salt else digest


# Users whose 0.11 hash is of a hasher Django 5.2 dropped.
OLD_HASHES = {
    "user10": lambda password: sha1_011(password, "a1b2c"),
    "user11": lambda password: md5_011(password, "d3e4f"),
    "user12": lambda password: md5_011(password),
    "user13": lambda password: f"sha1$${hashlib.sha1(password.encode()).hexdigest()}",  # noqa: S324
}


@dataclass
class Source:
    """What the built database holds, for the tests to compare against."""

    url: str
    secret_key: str
    passwords: dict[str, str] = field(default_factory=dict)  # username -> password
    cluster_passwords: dict[str, str] = field(default_factory=dict)  # slug -> password
    members: dict[str, list[str]] = field(default_factory=dict)  # group -> usernames
    # (owner name, "user"/"group", cluster slug) -> (ram, disk, vcpus)
    quotas: dict[tuple[str, str, str], tuple] = field(default_factory=dict)
    cluster_defaults: dict[str, tuple] = field(default_factory=dict)
    cluster_grants: dict[tuple[str, str, str], set] = field(default_factory=dict)
    ssh_keys: dict[str, list[str]] = field(default_factory=dict)  # username -> valid lines
    invalid_ssh_keys: int = 0
    # (cluster slug, VM name) -> (owner name, "user"/"group") or None
    vm_owners: dict[tuple[str, str], tuple | None] = field(default_factory=dict)
    # (holder, "user"/"group", cluster slug, VM name) -> permissions
    vm_grants: dict[tuple[str, str, str, str], set] = field(default_factory=dict)
    templates: dict[str, dict] = field(default_factory=dict)  # "name on slug" -> the row
    log_items: list[dict] = field(default_factory=list)  # action, username, timestamp


CLUSTER_PERMISSIONS = ("admin", "create_vm", "export", "migrate", "replace_disks", "tags")
VM_PERMISSIONS = ("admin", "modify", "power", "remove", "tags")
# The simulator's instances (the "ganeti" cluster is pointed at it by the tests that
# sync), and one 0.11 had that Ganeti no longer has.
SYNCED_VMS = [f"inst{n}.sim.test" for n in range(1, 11)]
GONE_VM = "gone.sim.test"
ORGANIZATIONS = ["engineering", "research", "students", "operations", "library"]
CLUSTERS = [
    # slug, hostname, (ram, disk, vcpus) defaults
    ("ganeti", "ganeti.example.org", (4096, 102400, 8)),
    ("lab", "lab-cluster.example.org", (2048, 40960, None)),
    ("web", "web.ganeti.example.org", (None, None, None)),
]


def build(path: Path, secret_key: str = OLD_SECRET_KEY, users: int = 50) -> Source:
    """Create the 0.11 database as the SQLite file `path`; returns what it holds."""
    connection = sqlite3.connect(path)
    try:
        return fill(connection, "sqlite", f"sqlite:///{path}", secret_key, users)
    finally:
        connection.close()


@contextmanager
def on_server(dialect: str, name: str, secret_key: str = OLD_SECRET_KEY):
    """The 0.11 database built on the test PostgreSQL or MariaDB/MySQL server (as
    tests/database_env.py finds it) as database `name`, dropped afterwards. Raises
    LookupError when the server does not answer."""
    host = os.environ.get(f"TEST_{'POSTGRES' if dialect == 'postgresql' else 'MYSQL'}_HOST")
    host = host or "127.0.0.1"
    if dialect == "postgresql":
        import psycopg

        port = int(os.environ.get("TEST_POSTGRES_PORT", "5432"))
        user = os.environ.get("TEST_POSTGRES_USER", "postgres")

        def admin():
            return psycopg.connect(
                host=host,
                port=port,
                user=user,
                dbname="postgres",
                autocommit=True,
                connect_timeout=3,
            )

        def database():
            return psycopg.connect(host=host, port=port, user=user, dbname=name)

        errors = psycopg.Error
    else:
        import MySQLdb

        port = int(os.environ.get("TEST_MYSQL_PORT", "3306"))
        user = os.environ.get("TEST_MYSQL_USER", "root")

        def admin():
            return MySQLdb.connect(host=host, port=port, user=user, connect_timeout=3)

        def database():
            return MySQLdb.connect(host=host, port=port, user=user, db=name, charset="utf8")

        errors = MySQLdb.Error
    try:
        connection = admin()
    except errors as error:
        raise LookupError(f"no {dialect} server at {host}:{port}: {error}") from None
    drop = f"DROP DATABASE IF EXISTS {name}"
    cursor = connection.cursor()
    try:
        cursor.execute(drop)
        cursor.execute(f"CREATE DATABASE {name}")
        target = database()
        try:
            url = f"{dialect}://{user}@{host}:{port}/{name}"
            source = fill(target, dialect, url, secret_key)
        finally:
            target.close()
        yield source
    finally:
        cursor.execute(drop)
        connection.close()


class _Writer:
    """Runs the builder's SQLite-flavoured SQL on the dialect's connection."""

    def __init__(self, connection, dialect: str):
        self.cursor = connection.cursor()
        self.dialect = dialect

    def sql(self, text: str) -> str:
        if self.dialect == "sqlite":
            return text
        text = text.replace("?", "%s")
        if self.dialect == "postgresql":
            text = re.sub(r"\bid integer PRIMARY KEY", "id serial PRIMARY KEY", text)
            text = text.replace("integer unsigned", "integer").replace("datetime", "timestamp")
        else:  # mysql
            text = re.sub(
                r"\bid integer PRIMARY KEY", "id integer AUTO_INCREMENT PRIMARY KEY", text
            )
            text = text.replace('"key"', "`key`")
        return text

    def execute(self, text: str, params=()) -> None:
        self.cursor.execute(self.sql(text), params)


def fill(connection, dialect: str, url: str, secret_key: str = OLD_SECRET_KEY, users=50):
    """Create 0.11's tables on an empty database (dialect sqlite, postgresql or mysql)
    and fill them; returns what they hold."""
    source = Source(url=url, secret_key=secret_key)
    db = _Writer(connection, dialect)
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    types = {"profile": 1, "organization": 2}
    for model, pk in types.items():
        db.execute(
            "INSERT INTO django_content_type VALUES (?, ?, 'authentication', ?)",
            (pk, model, model),
        )
    clusteruser = 0

    for pk, name in enumerate(ORGANIZATIONS, start=1):
        db.execute("INSERT INTO auth_group VALUES (?, ?)", (pk, name))
        clusteruser += 1
        db.execute(
            "INSERT INTO authentication_clusteruser VALUES (?, ?, ?)",
            (clusteruser, name, types["organization"]),
        )
        db.execute("INSERT INTO authentication_organization VALUES (?, ?)", (clusteruser, pk))
        source.members[name] = []
    organization_of = {name: i + 1 for i, name in enumerate(ORGANIZATIONS)}

    profile_of = {}
    for pk in range(1, users + 1):
        username = "admin" if pk == 1 else f"user{pk:02d}"
        password = f"old-pass-{pk}"
        source.passwords[username] = password
        db.execute(
            "INSERT INTO auth_user VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pk,
                username,
                f"First{pk}",
                f"Last{pk}",
                f"{username}@example.org",
                OLD_HASHES[username](password)
                if username in OLD_HASHES
                else hash_011(password, f"salt{pk:04d}"),
                pk == 1,
                pk != users,  # the last one was deactivated in 0.11
                pk == 1,
                f"2014-03-0{pk % 9 + 1} 12:00:00",
                "2012-01-15 09:30:00",
            ),
        )
        clusteruser += 1
        db.execute(
            "INSERT INTO authentication_clusteruser VALUES (?, ?, ?)",
            (clusteruser, username, types["profile"]),
        )
        db.execute("INSERT INTO authentication_profile VALUES (?, ?)", (clusteruser, pk))
        profile_of[username] = clusteruser
        if pk > 1:  # everyone but the admin is in one or two organizations
            for name in {ORGANIZATIONS[pk % 5], ORGANIZATIONS[pk % 3]}:
                db.execute(
                    "INSERT INTO auth_user_groups (user_id, group_id) VALUES (?, ?)",
                    (pk, organization_of[name]),
                )
                source.members[name].append(username)

    for pk, (slug, hostname, defaults) in enumerate(CLUSTERS, start=1):
        password = f"rapi-{slug}-secret"
        source.cluster_passwords[slug] = password
        source.cluster_defaults[slug] = defaults
        db.execute(
            "INSERT INTO clusters_cluster (id, serialized_info, ignore_cache, hostname, slug,"
            " port, description, username, password, hash, ram, disk, virtual_cpus)"
            " VALUES (?, '', ?, ?, ?, 5080, ?, 'gwm', ?, ?, ?, ?, ?)",
            (
                pk,
                False,
                hostname,
                slug,
                f"The {slug} cluster",
                encrypt_011(password, secret_key),
                "0" * 40,
                *defaults,
            ),
        )

    quota_rows = [
        ("user02", "user", "ganeti", (1024, 20480, 2)),
        ("user03", "user", "ganeti", (None, 10240, None)),
        ("user04", "user", "lab", (512, 5120, 1)),
        ("engineering", "group", "ganeti", (16384, 409600, 32)),
        ("students", "group", "lab", (2048, 20480, 4)),
        ("research", "group", "web", (8192, 204800, 16)),
    ]
    cluster_pk = {slug: pk for pk, (slug, _h, _d) in enumerate(CLUSTERS, start=1)}
    for owner, kind, slug, amounts in quota_rows:
        owner_pk = profile_of[owner] if kind == "user" else organization_of[owner]
        db.execute(
            "INSERT INTO utils_quota (user_id, cluster_id, ram, disk, virtual_cpus)"
            " VALUES (?, ?, ?, ?, ?)",
            (owner_pk, cluster_pk[slug], *amounts),
        )
        source.quotas[(owner, kind, slug)] = amounts

    # Cluster grants, per user and per group: (holder, kind, cluster) -> permissions.
    grant_rows = [
        ("user02", "user", "ganeti", {"admin"}),
        ("user05", "user", "web", {"create_vm", "migrate", "export"}),
        ("user06", "user", "lab", {"replace_disks"}),
        ("students", "group", "lab", {"create_vm"}),
        ("research", "group", "ganeti", {"create_vm", "tags"}),
        ("user08", "user", "lab", set()),  # a row left with no permission
    ]
    user_pk = {name: pk for pk, name in enumerate(source.passwords, start=1)}
    for holder, kind, slug, codes in grant_rows:
        flags = [int(code in codes) for code in CLUSTER_PERMISSIONS]
        db.execute(
            "INSERT INTO ganeti_web_cluster_perms (obj_id, user_id, group_id, admin,"
            " create_vm, export, migrate, replace_disks, tags)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cluster_pk[slug],
                user_pk[holder] if kind == "user" else None,
                organization_of[holder] if kind == "group" else None,
                *flags,
            ),
        )
        if codes:
            source.cluster_grants[(holder, kind, slug)] = codes
    # SSH keys: 0.11 took any text; some of these are not keys GWM accepts.
    shared = _openssh(ed25519_key())
    valid = [
        ("user02", f"{shared} user02@laptop"),
        ("user02", f"{_openssh(rsa_key(2048))} user02@laptop"),  # the same comment
        ("user03", _openssh(ed25519_key())),  # no comment
        ("user09", f"{shared} shared"),  # the same key as user02's, another user
    ]
    invalid = [
        ("user04", f"{_openssh(rsa_key(1024))} too-small"),
        ("user05", "ssh-dss AAAAB3NzaC1kc3MAAACBAP old-dsa"),
        ("user06", "not a key at all"),
        ("user07", f"{_openssh(ed25519_key())} a\n{_openssh(ed25519_key())} b"),
    ]
    for username, key in valid + invalid:
        db.execute(
            'INSERT INTO utils_sshkey (user_id, "key") VALUES (?, ?)', (user_pk[username], key)
        )
    for username, key in valid:
        source.ssh_keys.setdefault(username, []).append(key)
    source.invalid_ssh_keys = len(invalid)

    _fill_vms(db, source, cluster_pk, profile_of, organization_of, user_pk)
    _fill_templates(db, source, cluster_pk)
    _fill_log(db, source, cluster_pk, user_pk)
    connection.commit()
    return source


CONTENT_TYPES = {  # id -> (app_label, model), as 0.11's apps left them
    10: ("auth", "user"),
    11: ("auth", "group"),
    12: ("clusters", "cluster"),
    13: ("virtualmachines", "virtualmachine"),
    14: ("nodes", "node"),
    15: ("jobs", "job"),
}


def _fill_vms(db, source, cluster_pk, profile_of, organization_of, user_pk) -> None:
    """VMs with owners (users, groups, nobody) and grants of every VM permission."""
    owners = [("user02", "user"), ("engineering", "group"), None, ("user05", "user")]
    vms = [("ganeti", name) for name in [*SYNCED_VMS, GONE_VM]]
    vms += [("lab", f"lab{n}.example.org") for n in range(1, 4)]
    vms += [("web", "www.example.org")]
    vm_pk = {}
    for pk, (slug, name) in enumerate(vms, start=1):
        owner = owners[pk % len(owners)]
        owner_pk = None
        if owner is not None:
            owner_pk = profile_of[owner[0]] if owner[1] == "user" else organization_of[owner[0]]
        db.execute(
            "INSERT INTO virtualmachines_virtualmachine (id, serialized_info, ignore_cache,"
            " cluster_id, hostname, owner_id, virtual_cpus, disk_size, ram, minram,"
            " cluster_hash, operating_system, status, pending_delete, note_text)"
            " VALUES (?, '', ?, ?, ?, ?, 1, 10240, 1024, 1024, ?, 'debootstrap+default',"
            " 'running', ?, '')",
            (pk, False, cluster_pk[slug], name, owner_pk, "0" * 40, False),
        )
        vm_pk[(slug, name)] = pk
        source.vm_owners[(slug, name)] = owner
    vm_grants = [
        ("user03", "user", "ganeti", "inst1.sim.test", {"admin"}),
        ("user04", "user", "ganeti", "inst2.sim.test", {"power", "tags"}),
        ("user05", "user", "ganeti", "inst3.sim.test", {"modify", "remove"}),
        ("students", "group", "ganeti", "inst4.sim.test", {"power"}),
        ("research", "group", "ganeti", "inst5.sim.test", {"admin", "tags"}),
        ("user06", "user", "ganeti", GONE_VM, {"power"}),
        ("user07", "user", "lab", "lab1.example.org", {"modify"}),
        ("user08", "user", "ganeti", "inst6.sim.test", set()),  # a row of no permission
    ]
    for holder, kind, slug, name, codes in vm_grants:
        flags = [int(code in codes) for code in VM_PERMISSIONS]
        db.execute(
            "INSERT INTO ganeti_web_virtualmachine_perms (obj_id, user_id, group_id, admin,"
            " modify, power, remove, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                vm_pk[(slug, name)],
                user_pk[holder] if kind == "user" else None,
                organization_of[holder] if kind == "group" else None,
                *flags,
            ),
        )
        if codes:
            source.vm_grants[(holder, kind, slug, name)] = codes


def py2_pickle(value) -> str:
    """What Python 2's pickle.dumps (protocol 0) wrote for lists and dicts of str and
    int: django-fields' PickleField kept 0.11's template disks and NICs so."""
    out, memo = [], [0]

    def put():
        out.append(f"p{memo[0]}\n")
        memo[0] += 1

    def dump(item):
        if isinstance(item, list):
            out.append("(l")
            put()
            for element in item:
                dump(element)
                out.append("a")
        elif isinstance(item, dict):
            out.append("(d")
            put()
            for key, element in item.items():
                dump(key)
                dump(element)
                out.append("s")
        elif isinstance(item, bool) or not isinstance(item, (int, str)):
            raise TypeError(f"not written here: {item!r}")
        elif isinstance(item, int):
            out.append(f"I{item}\n")
        else:
            out.append(f"S{item!r}\n")
            put()

    dump(value)
    return "".join(out) + "."


TEMPLATE_COLUMNS = (
    "template_name", "temporary", "description", "cluster_id", "start", "no_install",
    "ip_check", "name_check", "iallocator", "iallocator_hostname", "disk_template", "pnode",
    "snode", "os", "vcpus", "memory", "minmem", "disks", "disk_type", "nics", "nic_type",
    "hypervisor", "kernel_path", "root_path", "serial_console", "boot_order",
    "cdrom_image_path", "cdrom2_image_path",
)  # fmt: skip


def _template(slug: str, name: str, **fields) -> tuple[str, dict]:
    row = {
        "template_name": name, "temporary": False, "description": f"The {name} template",
        "start": True, "no_install": False, "ip_check": True, "name_check": True,
        "iallocator": False, "iallocator_hostname": "", "disk_template": "plain", "pnode": "",
        "snode": "", "os": "noop+default", "vcpus": 1, "memory": 512, "minmem": None,
        "disks": py2_pickle([{"size": 1024}]), "disk_type": "",
        "nics": py2_pickle([{"mode": "bridged", "link": "br0"}]), "nic_type": "",
        "hypervisor": "kvm", "kernel_path": "", "root_path": "/", "serial_console": False,
        "boot_order": "", "cdrom_image_path": "", "cdrom2_image_path": "",
    }  # fmt: skip
    row.update(fields)
    return slug, row


TEMPLATES = [
    _template("ganeti", "small", pnode="node1.sim.test"),
    _template(
        "ganeti",
        "big-drbd",
        disk_template="drbd",
        vcpus=4,
        memory=8192,
        disks=py2_pickle([{"size": 20480}, {"size": 102400}]),
        boot_order="cdrom",
        iallocator_hostname="hail",  # GWM's templates have no such field
    ),
    _template("ganeti", "old-os", os="centos-5+default", disk_template="sharedfile"),
    _template("lab", "lab-default", hypervisor="xen-pvm", root_path="/dev/xvda1"),
    _template("lab", "1386943861000000", temporary=True),  # a creation's leftover
]


def _fill_templates(db, source, cluster_pk) -> None:
    for slug, row in TEMPLATES:
        row = {**row, "cluster_id": cluster_pk[slug]}
        columns, marks = ", ".join(TEMPLATE_COLUMNS), ", ".join("?" * len(TEMPLATE_COLUMNS))
        db.execute(
            f"INSERT INTO vm_templates_virtualmachinetemplate ({columns}) VALUES ({marks})",  # noqa: S608 - fixed names
            tuple(row[c] for c in TEMPLATE_COLUMNS),
        )
        if not row["temporary"]:
            source.templates[f"{row['template_name']} on {slug}"] = row


def _fill_log(db, source, cluster_pk, user_pk) -> None:
    """Log items as 0.11 wrote them: its action keys, generic objects, cached data."""
    for pk, (app, model) in CONTENT_TYPES.items():
        db.execute("INSERT INTO django_content_type VALUES (?, ?, ?, ?)", (pk, model, app, model))
    for name, template in LOG_ACTIONS.items():
        db.execute("INSERT INTO object_log_logaction VALUES (?, ?)", (name, template))
    vm1 = SYNCED_VMS.index("inst1.sim.test") + 1
    items = [
        # action, user, time, (type, id) x3, data
        ("CREATE", "admin", "2013-05-01 10:00:00", (12, cluster_pk["ganeti"]), None, None,
         {"object1_str": "ganeti.example.org"}),
        ("ADD_USER", "admin", "2013-05-01 10:05:00", (12, cluster_pk["web"]),
         (10, user_pk["user05"]), None,
         {"object_str": "web.ganeti.example.org", "affected_user": "user05",
          "affected_user_class": "User"}),
        ("VM_REBOOT", "user02", "2014-02-11 08:30:15", (13, vm1), (15, 1), None,
         {"cluster_slug": "ganeti", "hostname": "inst1.sim.test", "job_id": 4711}),
        ("VM_RENAME", "user03", "2014-02-12 17:45:00", (13, vm1), (15, 2), None,
         {"cluster_slug": "ganeti", "hostname": "inst1.sim.test",
          "newname": "inst1.sim.test", "job_id": 4712}),
        ("EDIT", "user49", "2014-03-01 12:00:00", (10, user_pk["user49"]), None, None,
         {"object1_str": "user49"}),
    ]  # fmt: skip
    for action, username, when, first, second, third, data in items:
        objects = []
        for obj in (first, second, third):
            objects += list(obj) if obj else [None, None]
        db.execute(
            "INSERT INTO object_log_logitem (action_id, timestamp, user_id, object_type1_id,"
            " object_id1, object_type2_id, object_id2, object_type3_id, object_id3,"
            " serialized_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (action, when, user_pk[username], *objects, json.dumps(data)),
        )
        source.log_items.append({"action": action, "username": username, "timestamp": when})


def ed25519_key():
    return ed25519.Ed25519PrivateKey.generate().public_key()


def rsa_key(bits: int):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()


def _openssh(public_key) -> str:
    return public_key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
