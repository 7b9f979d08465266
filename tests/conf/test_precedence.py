"""Sources are read defaults < settings.conf < settings.d/*.conf (lexical) < GWM_* env."""

from pathlib import Path

from ganeti_webmgr.conf import load


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_it_uses_built_in_defaults_without_any_file(tmp_path):
    config = load(tmp_path, environ={})
    assert config.get("database", "engine") == "sqlite"
    assert config.get("server", "workers") == 3
    assert config.get("paths", "data_dir") == "/var/lib/ganeti-webmgr"
    assert config.source("server", "workers") == "default"
    assert config.files == []


def test_it_derives_defaults_from_other_keys(tmp_path):
    write(tmp_path / "settings.conf", "[paths]\ndata_dir = /srv/gwm\n")
    config = load(tmp_path, environ={})
    assert config.get("database", "name") == "/srv/gwm/ganeti_webmgr.sqlite3"
    assert config.get("paths", "static_root") == "/srv/gwm/static"
    write(tmp_path / "settings.d/db.conf", "[database]\nengine = postgresql\n")
    assert load(tmp_path, environ={}).get("database", "name") == "ganeti_webmgr"


def test_the_file_beats_the_defaults(tmp_path):
    write(tmp_path / "settings.conf", "# comment\n\n[server]\nworkers = 5\n")
    config = load(tmp_path, environ={})
    assert config.get("server", "workers") == 5
    assert config.source("server", "workers") == f"{tmp_path}/settings.conf:4"


def test_drop_ins_beat_the_file_and_later_drop_ins_win(tmp_path):
    write(tmp_path / "settings.conf", "[server]\nworkers = 5\ntimeout = 30\nbind = 0.0.0.0:80\n")
    write(tmp_path / "settings.d/50-workers.conf", "[server]\nworkers = 7\ntimeout = 40\n")
    write(tmp_path / "settings.d/90-local.conf", "[server]\nworkers = 9\n")
    write(tmp_path / "settings.d/README", "[nonsense\n")  # not *.conf: ignored
    config = load(tmp_path, environ={})
    assert config.get("server", "workers") == 9
    assert config.source("server", "workers") == f"{tmp_path}/settings.d/90-local.conf:2"
    assert config.get("server", "timeout") == 40
    assert config.get("server", "bind") == "0.0.0.0:80"
    assert [p.name for p in config.files] == ["settings.conf", "50-workers.conf", "90-local.conf"]


def test_drop_ins_are_read_in_lexical_order_not_creation_order(tmp_path):
    write(tmp_path / "settings.d/20-b.conf", "[web]\ntime_zone = Europe/Paris\n")
    write(tmp_path / "settings.d/10-a.conf", "[web]\ntime_zone = Europe/Berlin\n")
    assert load(tmp_path, environ={}).get("web", "time_zone") == "Europe/Paris"


def test_the_environment_beats_every_file(tmp_path):
    write(tmp_path / "settings.conf", "[server]\nworkers = 5\n")
    write(tmp_path / "settings.d/50.conf", "[server]\nworkers = 7\n")
    config = load(tmp_path, environ={"GWM_SERVER_WORKERS": "11", "GWM_DATABASE_CONN_MAX_AGE": "0"})
    assert config.get("server", "workers") == 11
    assert config.source("server", "workers") == "environment GWM_SERVER_WORKERS"
    assert config.get("database", "conn_max_age") == 0


def test_gwm_config_dir_replaces_etc(tmp_path):
    write(tmp_path / "settings.conf", "[server]\nworkers = 4\n")
    config = load(environ={"GWM_CONFIG_DIR": str(tmp_path)})
    assert config.directory == tmp_path
    assert config.get("server", "workers") == 4


def test_it_parses_each_type(tmp_path):
    write(
        tmp_path / "settings.conf",
        "[web]\n"
        "allowed_hosts = gwm.example.org , 192.0.2.1\n"
        "behind_tls_proxy = yes\n"
        "script_name = /gwm\n"
        "csrf_trusted_origins = https://gwm.example.org\n"
        "LANGUAGE = DE\n"
        "[database]\n"
        "port =\n"
        "password = p a s s = word\n",
    )
    config = load(tmp_path, environ={})
    assert config.get("web", "allowed_hosts") == ["gwm.example.org", "192.0.2.1"]
    assert config.get("web", "behind_tls_proxy") is True
    assert config.get("web", "script_name") == "/gwm"
    assert config.get("web", "language") == "de"
    assert config.get("database", "port") is None
    assert config.get("database", "password") == "p a s s = word"


def test_it_reads_the_database_password_from_a_file(tmp_path):
    write(tmp_path / "db-password", "s3cret\nignored\n")
    write(tmp_path / "settings.conf", f"[database]\npassword_file = {tmp_path}/db-password\n")
    assert load(tmp_path, environ={}).database_password() == "s3cret"
