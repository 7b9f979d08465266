"""gwm-server as a real subprocess on a free loopback port."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from .conftest import ADMIN_PASSWORD, BIN, free_port

# What it checks (gwm-server's processes, signals and reloads) is the same on every database engine.
pytestmark = pytest.mark.any_database

# How long a request may take: generous, because CI runs three suites side by side on
# two cores; what the tests check is that an answer comes, not how fast.
ANSWER = 30


@contextmanager
def running_server(site, *args):
    port = free_port()
    log = open(site.data_dir / "server.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(BIN / "gwm-server"), "--bind", f"127.0.0.1:{port}", "--workers", "1", *args],
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{base}/health", timeout=ANSWER).status == 200:
                    break
            except (urllib.error.URLError, OSError):
                # A worker that is still booting (or a loaded machine) may accept and
                # answer late: only the deadline says it never came up.
                pass
            assert process.poll() is None, read_log(log)
            assert time.monotonic() < deadline, read_log(log)
            time.sleep(0.1)
        yield process, base, log
    finally:
        if process.poll() is None:
            # TERM, not KILL: a killed master leaves its workers running.
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def read_log(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()


def test_it_serves_the_login_page_and_static_files_and_stops_on_sigterm(initialised_site):
    site = initialised_site
    with running_server(site) as (process, base, log):
        page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=ANSWER)
        html = page.read().decode()
        assert page.status == 200
        assert "<h1>Log in</h1>" in html
        css = re.search(r'href="(/static/gwm/gwm\.[0-9a-f]+\.css)"', html).group(1)
        static = urllib.request.urlopen(base + css, timeout=ANSWER)
        assert static.status == 200
        assert static.headers["Content-Type"].startswith("text/css")
        assert "max-age=315360000" in static.headers["Cache-Control"]  # hashed: cache forever
        assert b"--accent" in static.read()

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "Shutting down: Master" in read_log(log)


def test_an_administrator_can_log_in(initialised_site):
    site, password = initialised_site, ADMIN_PASSWORD
    with running_server(site) as (_process, base, _log):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{base}/accounts/login/?next=/", timeout=ANSWER).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "admin",
                "password": password,
                "next": "/",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
        )
        home = opener.open(request, timeout=ANSWER)
        assert home.url == f"{base}/"
        assert "<h1>Dashboard</h1>" in home.read().decode()


def test_a_reload_with_a_broken_configuration_keeps_serving(initialised_site):
    site = initialised_site
    with running_server(site) as (process, base, log):
        path = site.write_conf("[server]\nworkers = none\n", "settings.d/99-broken.conf")
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while "reload refused" not in read_log(log) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert f"reload refused: {path}:2: [server] workers: 'none' is not an integer" in read_log(
            log
        )
        assert urllib.request.urlopen(f"{base}/health", timeout=ANSWER).status == 200

        path.unlink()
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while read_log(log).count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert read_log(log).count("Booting worker") >= 2  # new workers after a good reload
        assert urllib.request.urlopen(f"{base}/health", timeout=ANSWER).status == 200


def test_a_reload_answers_a_request_that_reaches_a_stopping_worker(initialised_site):
    site = initialised_site
    with running_server(site) as (process, base, log):
        port = int(base.rsplit(":", 1)[1])
        # Taken by the one worker now, the request sent only once it is stopping.
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        time.sleep(0.3)
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        # gunicorn stops the old worker as soon as it has started the new one.
        while read_log(log).count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert read_log(log).count("Booting worker") == 2
        time.sleep(0.3)
        client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        client.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer


def test_it_refuses_to_start_before_gwm_init(site):
    result = site.run("gwm-server")
    assert result.returncode == 2
    assert "secret key file is missing; run gwm-init" in result.stderr


def test_it_refuses_to_start_with_a_bad_configuration(initialised_site):
    site = initialised_site
    path = site.write_conf("[server]\nbind = everywhere\n", "settings.d/50.conf")
    result = site.run("gwm-server")
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}:2: [server] bind: 'everywhere' is not an address")


def test_one_worker_serves_pages_while_a_websocket_is_open_and_refuses_unknown_ones(
    initialised_site,
):
    site = initialised_site
    with running_server(site) as (_process, base, _log):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as ws:
            ws.sendall(
                b"GET /no-such-socket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            )
            assert ws.recv(4096).split(b"\r\n", 1)[0] == b"HTTP/1.1 403 Forbidden"
        # Several slow clients at once on the single worker process: threads serve them.
        slow = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
        try:
            for s in slow:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers unfinished
            assert urllib.request.urlopen(f"{base}/health", timeout=ANSWER).status == 200
        finally:
            for s in slow:
                s.close()
