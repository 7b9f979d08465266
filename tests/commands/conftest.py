"""A fresh GWM site per test, driven through the real gwm-* console scripts.

The site uses the database engine the suite runs on (GWM_DATABASE_*), with a
database of its own, so the commands are tested on SQLite, PostgreSQL and MariaDB.
A test whose subject is not gwm-init takes `initialised_site`: a copy of one site
that a real gwm-init set up once per session (its keys, data directory and
database), as gwm-init's migrations and static files took most of such a test's
time.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ganeti_webmgr.testing import console_client
from ganeti_webmgr.testing.vnc import xvnc

BIN = Path(sys.executable).parent


@dataclass
class Site:
    config_dir: Path
    data_dir: Path
    env: dict[str, str]

    def run(
        self, command: str, *args: str, input: str | None = None, **env
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / command), *args],
            env={**self.env, **env},
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    def init(self, *args: str, **env) -> subprocess.CompletedProcess:
        result = self.run(
            "gwm-init",
            "--noinput",
            "--admin-user",
            "admin",
            "--admin-email",
            "admin@example.org",
            *args,
            **env,
        )
        assert result.returncode == 0, result.stderr
        return result

    def write_conf(self, text: str, name: str = "settings.conf") -> Path:
        path = self.config_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def manage(self, *args: str, input: str | None = None) -> str:
        """gwm-manage's standard output; the test fails if the command does."""
        result = self.run("gwm-manage", *args, input=input)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        """Run code inside this site's Django (as gwm-manage shell would) and return stdout."""
        result = self.run("gwm-manage", "shell", "--no-imports", "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, f"{what} exited"
            assert time.monotonic() < deadline, f"{what} does not listen on {port}"
            time.sleep(0.05)


@contextmanager
def gwm_server(site: Site, name: str = "server"):
    """gwm-server (one worker) on a free loopback port, its log in the data directory;
    yields the port once it listens (whatever it answers there)."""
    port = free_port()
    log = (site.data_dir / f"{name}.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "gwm-server"), "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=site.env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_listening(port, process, f"gwm-server ({name})")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _server_connection(engine: str):
    host = os.environ.get("GWM_DATABASE_HOST", "")
    port = os.environ.get("GWM_DATABASE_PORT", "")
    user = os.environ.get("GWM_DATABASE_USER", "")
    if engine == "postgresql":
        import psycopg

        return psycopg.connect(
            host=host, port=port or None, user=user, dbname="postgres", autocommit=True
        )
    import MySQLdb

    return MySQLdb.connect(host=host, port=int(port or 3306), user=user)


def _server_database(engine: str, name: str, create: bool, template: str | None = None) -> None:
    statement = f"CREATE DATABASE {name}" if create else f"DROP DATABASE IF EXISTS {name}"
    with closing(_server_connection(engine)) as connection:
        cursor = connection.cursor()
        if engine == "postgresql":
            if create and template:
                statement += f" TEMPLATE {template}"
            if not create:  # a server's worker may still be saying goodbye
                statement += " WITH (FORCE)"
            cursor.execute(statement)
            return
        if create:
            statement += " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        cursor.execute(statement)
        if create and template:
            _copy_mysql_tables(cursor, template, name)


def _copy_mysql_tables(cursor, source: str, target: str) -> None:
    """MariaDB has no template databases: each table as SHOW CREATE TABLE gives it
    (keys and constraints included), then its rows."""
    cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
    cursor.execute(f"SHOW FULL TABLES FROM `{source}` WHERE Table_type = 'BASE TABLE'")
    tables = [row[0] for row in cursor.fetchall()]
    cursor.execute(f"USE `{target}`")
    for table in tables:
        cursor.execute(f"SHOW CREATE TABLE `{source}`.`{table}`")
        cursor.execute(cursor.fetchone()[1])
        # The names are the test databases' own, not input.
        copy = f"INSERT INTO `{table}` SELECT * FROM `{source}`.`{table}`"  # noqa: S608
        cursor.execute(copy)


@contextmanager
def _new_site(base: Path, template: Site | None = None):
    """A site under `base` with a database of its own: empty, or a copy of
    `template`'s (its keys and data directory too)."""
    config_dir, data_dir = base / "etc", base / "data"
    config_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GWM_")}
    env.update({k: v for k, v in os.environ.items() if k.startswith("GWM_DATABASE_")})
    env["GWM_CONFIG_DIR"] = str(config_dir)
    site = Site(config_dir, data_dir, env)
    site.write_conf(f"[paths]\ndata_dir = {data_dir}\n")
    if template is not None:
        for key in ("secret_key", "credentials_key"):
            shutil.copy2(template.config_dir / key, config_dir / key)
        shutil.copytree(template.data_dir, data_dir, symlinks=True)

    engine = os.environ.get("GWM_DATABASE_ENGINE", "sqlite")
    database = None
    if engine != "sqlite":
        database = f"gwm_site_{uuid.uuid4().hex[:12]}"
        source = template.env["GWM_DATABASE_NAME"] if template is not None else None
        _server_database(engine, database, create=True, template=source)
        env["GWM_DATABASE_NAME"] = database
    try:
        yield site
    finally:
        if database:
            _server_database(engine, database, create=False)


@pytest.fixture
def site(tmp_path):
    with _new_site(tmp_path) as site:
        yield site


# The administrator's password on initialised_site (and so on the console's sites).
ADMIN_PASSWORD = "console-test-admin-1"


@pytest.fixture(scope="session")
def _initialised_template(tmp_path_factory):
    with _new_site(tmp_path_factory.mktemp("initialised")) as template:
        template.init(GWM_ADMIN_PASSWORD=ADMIN_PASSWORD)
        yield template


@pytest.fixture
def initialised_site(tmp_path, _initialised_template):
    """A site as `gwm-init --admin-user admin` with GWM_ADMIN_PASSWORD=ADMIN_PASSWORD
    leaves it: a copy of the session's template site."""
    with _new_site(tmp_path, template=_initialised_template) as site:
        yield site


@pytest.fixture
def console_site(initialised_site):
    """A site with the admin and a cluster ("console") whose VM's console is a real
    Xvnc; yields (site, admin password, VM name)."""
    site = initialised_site
    with (
        xvnc(width=640, height=480) as vnc,
        console_client.console_sim([str(BIN / "python")], vnc.port, site.env) as sim,
    ):
        console_client.add_console_cluster(site.manage, sim, vnc.password)
        yield site, ADMIN_PASSWORD, sim["vms"][0]
