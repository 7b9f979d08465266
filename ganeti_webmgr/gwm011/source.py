"""Reading a GWM 0.11 database through a plain DB-API connection.

Only SELECTs, of 0.11.1's tables and columns (named in the queries below): nothing
of 0.11's code or Django 1.4 is needed, and the source is never written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

# 0.11's permissions (ganeti_web/permissions.py's CLUSTER_PARAMS and
# VIRTUAL_MACHINE_PARAMS), each an integer column of django-object-permissions'
# ganeti_web_cluster_perms and ganeti_web_virtualmachine_perms.
CLUSTER_PERMISSIONS = ("admin", "create_vm", "export", "migrate", "replace_disks", "tags")
VM_PERMISSIONS = ("admin", "power", "modify", "remove", "tags")
# The columns of a permission table that are not permissions; any other column
# (a site's own addition) is read as one, and reported when GWM has no counterpart.
PERMISSION_KEYS = ("id", "obj_id", "user_id", "group_id")


class SourceError(Exception):
    """The source database cannot be opened or is not a GWM 0.11 database."""


def connect(url: str):
    """A DB-API connection to sqlite:///path, postgresql://... or mysql://..."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        if not url.startswith("sqlite:///"):
            raise SourceError("a SQLite URL is sqlite:///relative/path or sqlite:////abs/path")
        path = Path(url[len("sqlite:///") :])
        if not path.is_file():
            raise SourceError(f"no such SQLite database: {path}")
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    if scheme in ("postgresql", "postgres"):
        try:
            import psycopg
        except ImportError:
            raise SourceError("reading PostgreSQL needs psycopg (pip install psycopg)") from None
        try:
            return psycopg.connect(url)
        except psycopg.Error as error:
            raise SourceError(f"cannot connect: {error}") from None
    if scheme in ("mysql", "mariadb"):
        try:
            import MySQLdb
        except ImportError:
            raise SourceError("reading MySQL needs mysqlclient (pip install mysqlclient)") from None
        parts = urlsplit(url)
        options = {"db": unquote(parts.path.lstrip("/")), "charset": "utf8"}
        if parts.hostname:
            options["host"] = parts.hostname
        if parts.port:
            options["port"] = parts.port
        if parts.username:
            options["user"] = unquote(parts.username)
        if parts.password:
            options["passwd"] = unquote(parts.password)
        try:
            return MySQLdb.connect(**options)
        except MySQLdb.Error as error:
            raise SourceError(f"cannot connect: {error}") from None
    raise SourceError(f"unsupported database URL scheme {scheme!r} (sqlite, postgresql, mysql)")


@dataclass
class Data:
    """The rows the import uses, keyed by their 0.11 ids."""

    users: dict[int, dict] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    memberships: list[tuple[int, int]] = field(default_factory=list)  # (user id, group id)
    clusters: dict[int, dict] = field(default_factory=dict)
    # ClusterUser id -> ("user", auth_user id) or ("group", auth_group id)
    owners: dict[int, tuple[str, int]] = field(default_factory=dict)
    quotas: list[dict] = field(default_factory=list)
    # django-object-permissions' rows on clusters: one per holder (a user or a group)
    cluster_grants: list[dict] = field(default_factory=list)
    ssh_keys: list[dict] = field(default_factory=list)  # user_id, ssh_key (as pasted)
    vms: dict[int, dict] = field(default_factory=dict)  # id, cluster_id, hostname, owner_id
    # One per holder of a VM: obj_id, user_id, group_id, codes (those set)
    vm_grants: list[dict] = field(default_factory=list)
    templates: list[dict] = field(default_factory=list)  # vm_templates' rows, as they are
    content_types: dict[int, tuple[str, str]] = field(default_factory=dict)  # (app, model)
    log_items: list[dict] = field(default_factory=list)  # object_log_logitem's rows


def _rows(cursor, sql: str) -> list[dict]:
    try:
        cursor.execute(sql)
    except Exception as error:  # each driver has its own errors; all mean the same here
        raise SourceError(f"not a GWM 0.11 database ({error})") from None
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read(connection) -> Data:
    cursor = connection.cursor()
    data = Data()
    for row in _rows(
        cursor,
        "SELECT id, username, first_name, last_name, email, password, is_staff, is_active,"
        " is_superuser, last_login, date_joined FROM auth_user ORDER BY id",
    ):
        for flag in ("is_staff", "is_active", "is_superuser"):
            row[flag] = bool(row[flag])
        for stamp in ("last_login", "date_joined"):
            row[stamp] = _datetime(row[stamp])
        data.users[row["id"]] = row
    data.groups = {
        row["id"]: row["name"]
        for row in _rows(cursor, "SELECT id, name FROM auth_group ORDER BY id")
    }
    data.memberships = [
        (row["user_id"], row["group_id"])
        for row in _rows(cursor, "SELECT user_id, group_id FROM auth_user_groups ORDER BY id")
    ]
    for row in _rows(
        cursor,
        "SELECT id, hostname, slug, port, description, username, password, ram, disk,"
        " virtual_cpus FROM clusters_cluster ORDER BY id",
    ):
        data.clusters[row["id"]] = row
    for row in _rows(cursor, "SELECT clusteruser_ptr_id, user_id FROM authentication_profile"):
        data.owners[row["clusteruser_ptr_id"]] = ("user", row["user_id"])
    for row in _rows(
        cursor, "SELECT clusteruser_ptr_id, group_id FROM authentication_organization"
    ):
        data.owners[row["clusteruser_ptr_id"]] = ("group", row["group_id"])
    data.quotas = _rows(
        cursor,
        "SELECT id, user_id, cluster_id, ram, disk, virtual_cpus FROM utils_quota ORDER BY id",
    )
    data.cluster_grants = _grants(cursor, "ganeti_web_cluster_perms")
    data.vm_grants = _grants(cursor, "ganeti_web_virtualmachine_perms")
    for row in _rows(
        cursor,
        "SELECT id, cluster_id, hostname, owner_id FROM virtualmachines_virtualmachine ORDER BY id",
    ):
        data.vms[row["id"]] = row
    data.templates = _rows(cursor, "SELECT * FROM vm_templates_virtualmachinetemplate ORDER BY id")
    for row in data.templates:
        for flag in TEMPLATE_FLAGS:
            row[flag] = bool(row[flag])
    data.content_types = {
        row["id"]: (row["app_label"], row["model"])
        for row in _rows(cursor, "SELECT id, app_label, model FROM django_content_type")
    }
    data.log_items = _rows(
        cursor,
        "SELECT id, action_id, timestamp, user_id, object_type1_id, object_id1,"
        " object_type2_id, object_id2, object_type3_id, object_id3, serialized_data"
        " FROM object_log_logitem ORDER BY id",
    )
    for row in data.log_items:
        row["timestamp"] = _datetime(row["timestamp"])
    # "key" is a reserved word in MySQL; qualified, it is a column name in every dialect.
    data.ssh_keys = _rows(
        cursor, "SELECT id, user_id, utils_sshkey.key AS ssh_key FROM utils_sshkey ORDER BY id"
    )
    return data


TEMPLATE_FLAGS = (
    "temporary",
    "start",
    "no_install",
    "ip_check",
    "name_check",
    "iallocator",
    "serial_console",
)


def _grants(cursor, table: str) -> list[dict]:
    """The rows of a django-object-permissions table, each with "codes": the
    permission columns set."""
    rows = _rows(cursor, f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - a fixed name
    for row in rows:
        row["codes"] = [k for k, v in row.items() if k not in PERMISSION_KEYS and v]
    return rows


def _datetime(value) -> datetime | None:
    """Django 1.4 without USE_TZ: naive local times (SQLite returns them as text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
