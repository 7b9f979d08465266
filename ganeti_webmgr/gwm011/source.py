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

# 0.11's cluster permissions (ganeti_web/permissions.py's CLUSTER_PARAMS), each an
# integer column of ganeti_web_cluster_perms; GWM's cluster permissions have the
# same names and meanings.
CLUSTER_PERMISSIONS = ("admin", "create_vm", "export", "migrate", "replace_disks", "tags")


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
    data.cluster_grants = _rows(
        cursor,
        "SELECT id, obj_id, user_id, group_id, admin, create_vm, export, migrate,"
        " replace_disks, tags FROM ganeti_web_cluster_perms ORDER BY id",
    )
    # "key" is a reserved word in MySQL; qualified, it is a column name in every dialect.
    data.ssh_keys = _rows(
        cursor, "SELECT id, user_id, utils_sshkey.key AS ssh_key FROM utils_sshkey ORDER BY id"
    )
    return data


def _datetime(value) -> datetime | None:
    """Django 1.4 without USE_TZ: naive local times (SQLite returns them as text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
