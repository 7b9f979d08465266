import os
import pty
import select
import signal
import stat
import time

from ganeti_webmgr.conf import render, secret_key
from ganeti_webmgr.conf.features import LDAP

from .conftest import BIN


def count_admins(site) -> str:
    return site.python(
        "from django.contrib.auth.models import User; "
        "print(User.objects.filter(is_superuser=True).count())"
    ).strip()


def test_it_sets_up_a_new_site(site):
    result = site.init()
    out = result.stdout
    assert f"gwm-init: created data directory {site.data_dir}" in out
    assert f"gwm-init: created secret key {site.config_dir}/secret_key" in out
    assert "database migrations" in out
    assert f"gwm-init: collected static files into {site.data_dir}/static" in out
    assert "gwm-init: created administrator 'admin' <admin@example.org>" in out
    assert "its password, shown only this once: " in out
    assert stat.S_IMODE(os.stat(site.config_dir / "secret_key").st_mode) == 0o640
    assert stat.S_IMODE(os.stat(site.data_dir).st_mode) == 0o750
    assert (site.data_dir / "initialized").exists()
    assert list((site.data_dir / "static/gwm").glob("gwm.*.css"))  # hashed for caching
    assert count_admins(site) == "1"


def test_a_second_run_changes_nothing_and_says_so(site):
    site.init()
    key = (site.config_dir / "secret_key").read_text()
    before = {p: p.stat().st_mtime_ns for p in site.data_dir.rglob("*") if p.is_file()}

    result = site.init("--admin-user", "other")
    assert result.stdout == "gwm-init: nothing to do: this installation is already initialised\n"
    assert (site.config_dir / "secret_key").read_text() == key
    after = {p: p.stat().st_mtime_ns for p in site.data_dir.rglob("*") if p.is_file()}
    # The SQLite database may get WAL/SHM files from reading; nothing else changes.
    changed = [p for p in after if before.get(p) != after[p] and "sqlite3" not in p.name]
    assert changed == []
    assert count_admins(site) == "1"


def test_the_administrator_can_log_in_with_the_printed_password(site):
    out = site.init().stdout
    password = out.split("shown only this once: ")[1].split()[0]
    assert (
        site.python(
            "from django.contrib.auth import authenticate; "
            f"print(authenticate(username='admin', password={password!r}) is not None)"
        ).strip()
        == "True"
    )


def test_it_takes_the_password_from_the_environment_and_never_prints_it(site):
    result = site.init(GWM_ADMIN_PASSWORD="correct-horse-battery-staple")
    assert "correct-horse" not in result.stdout + result.stderr
    assert "shown only this once" not in result.stdout


def test_it_writes_a_generated_password_to_a_private_file(site, tmp_path):
    target = tmp_path / "admin-password"
    result = site.init("--password-file", str(target))
    assert f"its password is in {target}" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(target.read_text().strip()) >= 16
    assert target.read_text().strip() not in result.stdout


def test_it_rejects_a_weak_administrator_password(site):
    result = site.run(
        "gwm-init",
        "--noinput",
        "--admin-user",
        "admin",
        "--admin-email",
        "a@example.org",
        GWM_ADMIN_PASSWORD="123",
    )
    assert result.returncode == 2
    assert "gwm-init: administrator password rejected: This password is too short." in result.stderr


def test_without_a_terminal_it_needs_the_administrator_named(site):
    result = site.run("gwm-init", "--noinput")
    assert result.returncode == 2
    assert "give --admin-user and --admin-email" in result.stderr


def test_it_prompts_on_a_terminal(site):
    prompts = {
        b"user name [admin]: ": b"boss\n",
        b"e-mail address: ": b"boss@example.org\n",
        b"(empty: generate one): ": b"Tr0ub4dor&3-horse\n",
        b"Same password again: ": b"Tr0ub4dor&3-horse\n",
    }
    output = on_a_terminal(site, ["gwm-init"], prompts)
    assert b"created administrator 'boss' <boss@example.org>" in output
    assert b"Tr0ub4dor" not in output  # typed passwords are not echoed


def on_a_terminal(site, argv, prompts: dict[bytes, bytes], timeout=60) -> bytes:
    """Run a command on a pseudo-terminal, answering each prompt once; its output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session with the terminal as its controlling tty
        os.execve(str(BIN / argv[0]), argv, site.env)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            for prompt in [p for p in prompts if output.endswith(p)]:
                os.write(fd, prompts.pop(prompt))
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
    return output


def test_a_bad_configuration_stops_it_before_it_changes_anything(site):
    path = site.write_conf("[database]\nengin = sqlite\n[server]\nworkers = lots\n")
    result = site.run("gwm-init", "--noinput")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{path}:2: unknown key 'engin' in [database] (did you mean 'engine'?)",
        f"{path}:4: [server] workers: 'lots' is not an integer",
    ]
    assert result.stdout == ""
    assert not site.data_dir.exists()
    assert not (site.config_dir / "secret_key").exists()


def test_check_prints_each_value_with_its_source_and_masks_secrets(site):
    main = site.write_conf(
        f"[paths]\ndata_dir = {site.data_dir}\n[email]\nhost = smtp.example.org\n"
        "password = smtp-secret-value\nsecurity = starttls\n"
    )
    dropin = site.write_conf("[server]\nworkers = 6\n", "settings.d/50-server.conf")
    result = site.run("gwm-init", "--check", GWM_SERVER_TIMEOUT="90")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"  {main}" in lines and f"  {dropin}" in lines
    assert f"workers = 6    ({dropin}:2)" in lines
    assert "timeout = 90    (environment GWM_SERVER_TIMEOUT)" in lines
    assert f"data_dir    = {site.data_dir}    ({main}:2)" in lines
    assert "bind    = 127.0.0.1:8000    (default)" in lines
    assert f"password     = ********    ({main}:5)" in lines
    assert "smtp-secret-value" not in result.stdout
    assert (
        f"Secret key: {site.config_dir}/secret_key: {site.config_dir}/secret_key: secret key "
        "file is missing; run gwm-init" in lines
    )
    assert not site.data_dir.exists()  # --check only looks
    assert lines[-1] == "LDAP sign-in: off ([ldap] enabled = false)"


def test_a_site_with_the_ldap_drop_in_not_filled_in_works_and_check_says_why(site):
    """The ganeti-webmgr-ldap package's drop-in as installed: the site initialises and
    --check names the file that turned LDAP on and what it still lacks."""
    dropin = site.write_conf(render.dropin(LDAP), "settings.d/50-ldap.conf")
    init = site.init()
    assert init.returncode == 0
    assert "WARNING ganeti_webmgr.accounts.apps: LDAP sign-in is off: " in init.stderr
    result = site.run("gwm-init", "--check")
    assert result.returncode == 0, result.stderr
    line = render.dropin(LDAP).splitlines().index("enabled = true") + 1
    assert result.stdout.splitlines()[-1] == (
        f"LDAP sign-in: off: {dropin}:{line}: [ldap] enabled = true, but [ldap] server_uri "
        "is not set yet: fill in the directory's settings (docs: Signing in with LDAP)"
    )


def test_check_fails_with_status_2_on_bad_configuration(site):
    result = site.run("gwm-init", "--check", GWM_WEB_DEBUG="sometimes")
    assert result.returncode == 2
    assert result.stderr == (
        "environment GWM_WEB_DEBUG: [web] debug: 'sometimes' is not a boolean (use true or false)\n"
    )


def test_it_never_replaces_an_existing_secret_key(site):
    secret_key.create(site.config_dir / "secret_key")
    key = (site.config_dir / "secret_key").read_text()
    result = site.init()
    assert "created secret key" not in result.stdout
    assert (site.config_dir / "secret_key").read_text() == key


def test_the_embedded_sqlite_database_runs_in_wal_mode(site):
    if os.environ.get("GWM_DATABASE_ENGINE", "sqlite") != "sqlite":
        return  # the server engines have no journal mode; nothing to check there
    site.init()
    mode = site.python(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(c.fetchone()[0])\n"
    )
    assert mode.strip() == "wal"


def test_keys_only_creates_the_keys_and_nothing_else(site):
    # What the package scripts run on install: keys now, the database when the admin says.
    result = site.run("gwm-init", "--keys-only")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"gwm-init: created secret key {site.config_dir}/secret_key\n"
        f"gwm-init: created credentials key {site.config_dir}/credentials_key\n"
    )
    assert stat.S_IMODE(os.stat(site.config_dir / "secret_key").st_mode) == 0o640
    assert not site.data_dir.exists()
    key = (site.config_dir / "secret_key").read_text()
    again = site.run("gwm-init", "--keys-only")
    assert (again.returncode, again.stdout) == (0, "")
    assert (site.config_dir / "secret_key").read_text() == key
    assert "created secret key" not in site.init().stdout


def test_the_database_and_the_log_are_not_for_everyone_in_an_open_data_directory(site):
    # A source install: the data directory made beforehand, 0755, under umask 022.
    site.data_dir.mkdir(mode=0o755)
    os.chmod(site.data_dir, 0o755)  # noqa: S103 - the open directory under test
    log = site.data_dir / "gwm.log"
    site.write_conf(f"[paths]\ndata_dir = {site.data_dir}\nlog_file = {log}\n")
    site.init()
    site.run("gwm-manage", "check")  # a second process: the WAL files are in use
    private = [log]
    if os.environ.get("GWM_DATABASE_ENGINE", "sqlite") == "sqlite":
        private += list(site.data_dir.glob("*.sqlite3*"))
        assert len(private) >= 2, private
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, f"{path} is readable by others"
