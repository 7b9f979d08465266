"""share/ssh/gwm-authorized-keys against a live GWM (pytest-django's live_server)."""

import http.server
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from ganeti_webmgr.vmkeys.feed import rotate_token

SCRIPT = Path(__file__).resolve().parents[3] / "share/ssh/gwm-authorized-keys"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(tmp_path, cast, live_server):
    """configure(**values): write the config; run(user): the script's (stdout, stderr)."""
    conf = tmp_path / "authorized-keys.conf"
    cache = tmp_path / "cache"
    cache.mkdir()
    token = rotate_token(cast["cluster"])

    def configure(**values):
        settings = {
            "GWM_URL": live_server.url,
            "GWM_CLUSTER": "a",
            "GWM_TOKEN": token,
            "GWM_VM": "a1",
            "GWM_ALLOW_HTTP": "yes",
            "GWM_CACHE_DIR": str(cache),
            "GWM_TIMEOUT": "2",
            **values,
        }
        conf.write_text("".join(f"{k}='{v}'\n" for k, v in settings.items() if v is not None))
        conf.chmod(0o640)

    def run(user="root", path=os.environ["PATH"]):
        env = {"PATH": path, "GWM_AUTHORIZED_KEYS_CONF": str(conf)}
        done = subprocess.run(
            ["/bin/sh", str(SCRIPT), user], env=env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0
        return done.stdout, done.stderr

    configure()
    return {"configure": configure, "run": run, "conf": conf, "cache": cache, "token": token}


def keys(cast, *names):
    return sorted(cast["keys"][n] for n in names)


def test_it_prints_the_vms_admins_keys(setup, cast):
    out, err = setup["run"]()
    assert sorted(out.splitlines()) == keys(cast, "alice", "bob", "carol", "dave")
    assert err == ""
    assert (setup["cache"] / "a1.keys").read_text() == out


def test_on_a_node_the_clusters_admins_keys(setup, cast):
    setup["configure"](GWM_VM=None)
    out, _ = setup["run"]()
    assert sorted(out.splitlines()) == keys(cast, "alice", "carol", "dave")


def test_other_local_accounts_get_nothing(setup):
    assert setup["run"]("www-data") == ("", "")
    setup["configure"](GWM_USERS="admin root")
    assert setup["run"]("admin")[0] != ""


def test_the_cache_serves_while_gwm_is_down(setup, cast):
    first, _ = setup["run"]()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    setup["configure"](GWM_URL=f"http://127.0.0.1:{port}")
    out, err = setup["run"]()
    assert out == first and "did not answer" in err and "using the keys GWM gave last" in err


def test_a_hung_gwm_is_given_up_on_after_the_timeout(setup):
    first, _ = setup["run"]()
    with socket.socket() as hung:  # listens, never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(1)
        setup["configure"](GWM_URL=f"http://127.0.0.1:{hung.getsockname()[1]}", GWM_TIMEOUT="1")
        out, err = setup["run"]()
    assert out == first and "did not answer" in err


def test_a_rotated_token_gives_no_keys_and_empties_the_cache(setup, cast):
    setup["run"]()
    rotate_token(cast["cluster"])
    out, err = setup["run"]()
    assert out == "" and "rotated?" in err
    assert not (setup["cache"] / "a1.keys").exists()


def test_what_is_not_a_key_list_is_not_believed(setup):
    first, _ = setup["run"]()

    class Portal(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # a captive portal or a proxy's page: 200, but HTML
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html><body>Log in to the network</body></html>\n")

        def log_message(self, *args):
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal) as portal:
        threading.Thread(target=portal.serve_forever, daemon=True).start()
        setup["configure"](GWM_URL=f"http://127.0.0.1:{portal.server_address[1]}")
        out, err = setup["run"]()
        portal.shutdown()
    assert out == first and "not a list of keys" in err


def test_a_configuration_others_may_read_is_refused(setup):
    setup["conf"].chmod(0o644)
    out, err = setup["run"]()
    assert out == "" and "readable by others" in err


def test_plain_http_needs_saying_so(setup):
    setup["configure"](GWM_ALLOW_HTTP=None)
    out, err = setup["run"]()
    assert out == "" and "GWM_URL must be https://" in err


def test_the_token_is_not_on_curls_command_line(setup, tmp_path):
    # A curl in front of the real one writes down its arguments (what `ps` shows).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = shutil.which("curl")
    (bin_dir / "curl").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/argv\nexec {real} "$@"\n')
    (bin_dir / "curl").chmod(0o755)
    out, _ = setup["run"](path=f"{bin_dir}:{os.environ['PATH']}")
    assert out
    argv = (tmp_path / "argv").read_text()
    assert "--config -" in argv and setup["token"] not in argv
