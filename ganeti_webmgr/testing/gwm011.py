"""A GWM 0.11 database, built with plain SQL for the import tests.

The tables and columns are GWM 0.11.1's, as its models and South migrations leave
them: 0.11 moved the 0.7-era ganeti_web_* tables into per-app tables
(clusters_cluster, authentication_*, utils_quota, ...), while the object permission
tables kept their ganeti_web_* names. Cluster passwords are encrypted as 0.11's
PatchedEncryptedCharField (django-fields 0.2.1's EncryptedCharField, cipher "AES",
no block type) stored them: AES in ECB mode keyed with SECRET_KEY[:32], the value
padded with a NUL and random printable characters to whole blocks, hex, behind
"$AES$". Written here on its own, so the importer's decryption is tested against an
independent encryption. User passwords are Django 1.4's PBKDF2-SHA256 hashes.
"""

from __future__ import annotations

import binascii
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
"""


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


CLUSTER_PERMISSIONS = ("admin", "create_vm", "export", "migrate", "replace_disks", "tags")
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
                hash_011(password, f"salt{pk:04d}"),
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
    connection.commit()
    return source


def ed25519_key():
    return ed25519.Ed25519PrivateKey.generate().public_key()


def rsa_key(bits: int):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()


def _openssh(public_key) -> str:
    return public_key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
