"""Every kind of bad configuration: all problems reported, each with where it is."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ganeti_webmgr.conf import ConfigError, load


def problems(directory, environ=None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(directory, environ=environ or {})
    return caught.value.problems


def conf(directory, text, name="settings.conf"):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_it_names_an_unknown_key_and_suggests_the_right_one(tmp_path):
    path = conf(tmp_path, "[database]\nengin = sqlite\n")
    assert problems(tmp_path) == [
        f"{path}:2: unknown key 'engin' in [database] (did you mean 'engine'?)"
    ]


def test_it_names_a_bad_integer_in_a_drop_in(tmp_path):
    path = conf(
        tmp_path, "[database]\nengine = postgresql\n\nport = abc\n", "settings.d/50-db.conf"
    )
    assert problems(tmp_path) == [f"{path}:4: [database] port: 'abc' is not an integer"]


def test_it_names_an_unknown_section(tmp_path):
    path = conf(tmp_path, "[databse]\nengine = sqlite\nother = 1\n")
    # Its keys are not reported one by one: the section is the mistake.
    assert problems(tmp_path) == [f"{path}:1: unknown section [databse] (did you mean [database]?)"]


def test_it_names_a_bad_boolean(tmp_path):
    path = conf(tmp_path, "[web]\nbehind_tls_proxy = maybe\n")
    assert problems(tmp_path) == [
        f"{path}:2: [web] behind_tls_proxy: 'maybe' is not a boolean (use true or false)"
    ]


def test_it_names_an_unparsable_line(tmp_path):
    path = conf(tmp_path, "[web]\ndebug true\n")
    assert problems(tmp_path) == [
        f"{path}:2: cannot parse 'debug true' (expected 'key = value', '[section]' or a # comment)"
    ]


def test_it_names_a_key_outside_any_section(tmp_path):
    path = conf(tmp_path, "debug = true\n")
    assert problems(tmp_path) == [f"{path}:1: 'debug' is outside of any [section]"]


def test_it_names_a_file_it_may_not_read():
    # Root reads every file through its DAC capabilities: as root the check runs
    # without them, still uid 0, so a checkout under /root (0700) stays reachable.
    directory = Path(tempfile.mkdtemp(prefix="gwm-unreadable-"))
    try:
        path = directory / "settings.conf"
        path.write_text("[web]\n")
        path.chmod(0)
        code = (
            "from ganeti_webmgr.conf import load, ConfigError\n"
            f"try: load({str(directory)!r}, environ={{}})\n"
            "except ConfigError as e: print('\\n'.join(e.problems))\n"
        )
        command = [sys.executable, "-c", code]
        if os.geteuid() == 0:
            no_dac = "-dac_override,-dac_read_search"
            command = ["setpriv", f"--bounding-set={no_dac}", f"--inh-caps={no_dac}", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        assert result.stdout.splitlines() == [f"{path}: cannot read: Permission denied"]
    finally:
        shutil.rmtree(directory)


def test_it_names_an_unreadable_file(tmp_path):
    # A directory where a file should be fails to read even for root.
    (tmp_path / "settings.conf").mkdir()
    assert problems(tmp_path) == [f"{tmp_path}/settings.conf: cannot read: Is a directory"]


def test_it_names_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "settings.conf"
    path.write_bytes(b"[web]\n\ntime_zone = M\xfcnchen\n")
    assert problems(tmp_path) == [f"{path}:3: not UTF-8 text; save the file as UTF-8"]


def test_it_names_a_bad_environment_variable_by_its_name(tmp_path):
    assert problems(tmp_path, {"GWM_DATABASE_PORT": "abc"}) == [
        "environment GWM_DATABASE_PORT: [database] port: 'abc' is not an integer"
    ]


def test_it_names_an_unknown_environment_variable(tmp_path):
    assert problems(tmp_path, {"GWM_DATABASE_ENGIN": "sqlite", "OTHER_VAR": "x"}) == [
        "environment GWM_DATABASE_ENGIN: not a GWM setting (did you mean GWM_DATABASE_ENGINE?)"
    ]


def test_it_ignores_gwm_variables_that_are_not_settings(tmp_path):
    load(
        tmp_path,
        environ={
            "GWM_CONFIG_DIR": str(tmp_path),
            "GWM_ADMIN_PASSWORD": "x",
            "GWM_WHEELHOUSE": "/srv/wheels",
        },
    )


def test_it_reports_every_problem_of_every_source_at_once(tmp_path):
    main = conf(tmp_path, "[server]\nworkers = 0\nbind = localhost\n")
    dropin = conf(tmp_path, "[database]\nengine = oracle\n", "settings.d/10.conf")
    assert problems(tmp_path, {"GWM_WEB_TIME_ZONE": "Mars/Olympus"}) == [
        f"{main}:2: [server] workers: '0' must be at least 1",
        f"{main}:3: [server] bind: 'localhost' is not an address like 127.0.0.1:8000, "
        "[::1]:8000 or unix:/path",
        f"{dropin}:2: [database] engine: 'oracle' is not one of sqlite, postgresql, mysql",
        "environment GWM_WEB_TIME_ZONE: [web] time_zone: 'Mars/Olympus' is not a known time "
        "zone (e.g. UTC, Europe/Berlin)",
    ]


def test_it_rejects_a_key_set_twice_in_one_file(tmp_path):
    path = conf(tmp_path, "[server]\nworkers = 2\n[server]\nworkers = 4\n")
    assert problems(tmp_path) == [
        f"{path}:4: [server] workers is set twice in this file (first on line 2)"
    ]


def test_it_rejects_bad_list_items_and_paths(tmp_path):
    path = conf(
        tmp_path,
        "[web]\ncsrf_trusted_origins = https://ok.example, gwm.example\n"
        "[paths]\ndata_dir = var/lib\n[email]\nadmins = root@localhost,,x@y\n",
    )
    assert problems(tmp_path) == [
        f"{path}:2: [web] csrf_trusted_origins: item 'gwm.example' is not an origin like "
        "https://gwm.example.org",
        f"{path}:4: [paths] data_dir: 'var/lib' is not an absolute path",
        f"{path}:6: [email] admins: 'root@localhost,,x@y' has an empty item (two commas in a row?)",
    ]


def test_it_reports_a_bad_value_even_when_a_later_source_overrides_it(tmp_path):
    path = conf(tmp_path, "[server]\nworkers = many\n")
    assert problems(tmp_path, {"GWM_SERVER_WORKERS": "4"}) == [
        f"{path}:2: [server] workers: 'many' is not an integer"
    ]


def test_it_checks_rules_between_keys(tmp_path):
    path = conf(
        tmp_path,
        "[database]\nname = gwm.db\n[email]\nhost = smtp\nuser = gwm\n",
    )
    assert problems(tmp_path) == [
        f"{path}:2: [database] name: 'gwm.db' must be an absolute path when engine is sqlite",
        "default: [email] security: 'none' would send the SMTP password in clear text; "
        "use starttls or tls",
    ]


def test_it_never_shows_a_secret_in_a_message(tmp_path):
    conf(tmp_path, "[database]\npassword = hunter2-very-secret\npassword_file = /etc/pw\n")
    text = "\n".join(problems(tmp_path))
    assert "hunter2" not in text
    assert "set either password" in text


def test_it_rejects_a_language_gwm_is_not_translated_into(tmp_path):
    path = conf(tmp_path, "[web]\nlanguage = fr\n")
    assert problems(tmp_path) == [
        f"{path}:2: [web] language: 'fr' is not a language GWM is translated into (de, en)"
    ]
