"""Django settings follow the configuration (checked on a fresh interpreter per case)."""

import json
import subprocess
import sys

from ganeti_webmgr.conf import secret_key


def settings_for(tmp_path, conf: str, *names: str) -> dict:
    (tmp_path / "settings.conf").write_text(f"[paths]\ndata_dir = {tmp_path}/data\n" + conf)
    secret_key.create(tmp_path / "secret_key")
    code = (
        "import json, django; from django.conf import settings; "
        f"names = {list(names)!r}; "
        "print(json.dumps({n: getattr(settings, n, None) for n in names}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "GWM_CONFIG_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "ganeti_webmgr.settings",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_sqlite_is_the_default_in_wal_mode(tmp_path):
    db = settings_for(tmp_path, "", "DATABASES")["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == f"{tmp_path}/data/ganeti_webmgr.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgresql_settings(tmp_path):
    (tmp_path / "pw").write_text("from-a-file\n")
    db = settings_for(
        tmp_path,
        f"[database]\nengine = postgresql\nhost = db.example.org\nport = 6432\nuser = gwm\n"
        f"password_file = {tmp_path}/pw\n",
        "DATABASES",
    )["DATABASES"]["default"]
    assert (db["ENGINE"], db["NAME"], db["HOST"], db["PORT"], db["USER"], db["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "ganeti_webmgr",
        "db.example.org",
        "6432",
        "gwm",
        "from-a-file",
    )


def test_behind_a_tls_proxy_and_below_the_site_root(tmp_path):
    s = settings_for(
        tmp_path,
        "[web]\nbehind_tls_proxy = true\nscript_name = /gwm\n",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "FORCE_SCRIPT_NAME",
        "STATIC_URL",
        "SESSION_COOKIE_PATH",
    )
    assert s == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "FORCE_SCRIPT_NAME": "/gwm",
        "STATIC_URL": "/gwm/static/",
        "SESSION_COOKIE_PATH": "/gwm",
    }


def test_production_defaults_are_safe(tmp_path):
    s = settings_for(
        tmp_path, "", "DEBUG", "ALLOWED_HOSTS", "EMAIL_BACKEND", "SESSION_COOKIE_SECURE"
    )
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"


def test_log_file_and_level(tmp_path):
    s = settings_for(
        tmp_path, f"[paths]\nlog_file = {tmp_path}/gwm.log\n[logging]\nlevel = WARNING\n", "LOGGING"
    )
    handler = s["LOGGING"]["handlers"]["main"]
    assert handler["class"] == "logging.handlers.WatchedFileHandler"
    assert handler["filename"] == f"{tmp_path}/gwm.log"
    assert handler["level"] == "WARNING"


def test_login_lockout_follows_the_login_section(tmp_path):
    names = ("AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS")
    s = settings_for(
        tmp_path,
        "[login]\nfailures_before_lockout = 3\nlockout_minutes = 90\nlock_out_by = user, ip\n",
        *names,
        "AXES_LOCK_OUT_AT_FAILURE",
    )
    assert s == {
        "AXES_FAILURE_LIMIT": 3,
        "AXES_COOLOFF_TIME": "1:30:00",
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
        "AXES_LOCK_OUT_AT_FAILURE": True,
    }
    off = settings_for(tmp_path, "[login]\nlock_out_by =\n", "AXES_LOCK_OUT_AT_FAILURE")
    assert off == {"AXES_LOCK_OUT_AT_FAILURE": False}


def test_hsts_only_behind_tls(tmp_path):
    assert settings_for(tmp_path, "", "SECURE_HSTS_SECONDS") == {"SECURE_HSTS_SECONDS": 0}
    behind = settings_for(tmp_path, "[web]\nbehind_tls_proxy = true\n", "SECURE_HSTS_SECONDS")
    assert behind == {"SECURE_HSTS_SECONDS": 365 * 86400}
