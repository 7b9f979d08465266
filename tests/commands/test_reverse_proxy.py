"""The shipped reverse-proxy examples (share/examples/): nginx for real, in front of a
live gwm-server, with a console session through it to a real Xvnc; Apache's syntax.

Debian's nginx and apache2-bin come from bin/install-system-deps test (make dev-venv).
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ganeti_webmgr.testing import console_client

from .conftest import free_port, gwm_server, wait_listening

# What it checks (the shipped nginx configuration) is the same on every database engine.
pytestmark = pytest.mark.any_database

EXAMPLES = Path(__file__).resolve().parents[2] / "share" / "examples"
NGINX = "/usr/sbin/nginx"
APACHE = "/usr/sbin/apache2"


def self_signed(directory: Path, name: str = "127.0.0.1") -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(name))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def substitute(text: str, replacements: dict[str, str]) -> str:
    """The shipped file with a few strings replaced; each must be there."""
    for old, new in replacements.items():
        assert old in text, f"the shipped example no longer has {old!r}"
        text = text.replace(old, new)
    return text


def nginx_config(tmp_path: Path, upstream: int, https: int, http: int) -> Path:
    cert, key = self_signed(tmp_path)
    site = substitute(
        (EXAMPLES / "nginx-ganeti-webmgr.conf").read_text(),
        {
            "127.0.0.1:8000": f"127.0.0.1:{upstream}",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "listen 80;": f"listen 127.0.0.1:{http};",
            "listen [::]:80;": "",
            "/etc/ssl/certs/gwm.example.org.pem": str(cert),
            "/etc/ssl/private/gwm.example.org.key": str(key),
            "server_name gwm.example.org;": "server_name 127.0.0.1;",
        },
    )
    (tmp_path / "site.conf").write_text(site)
    for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "temp" / name).mkdir(parents=True, exist_ok=True)
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log info;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/temp/client;
    proxy_temp_path {tmp_path}/temp/proxy;
    fastcgi_temp_path {tmp_path}/temp/fastcgi;
    uwsgi_temp_path {tmp_path}/temp/uwsgi;
    scgi_temp_path {tmp_path}/temp/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    return config


def test_a_console_session_through_the_shipped_nginx_config(console_site, tmp_path):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: bin/install-system-deps test installs it")
    site, password, vm = console_site
    site.write_conf("[web]\nbehind_tls_proxy = true\n", "settings.d/50-proxy.conf")
    https, http = free_port(), free_port()
    with gwm_server(site) as upstream:
        config = nginx_config(tmp_path, upstream, https, http)
        nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(tmp_path)],
            stderr=(tmp_path / "nginx.stderr").open("w"),
        )
        try:
            wait_listening(https, nginx, "nginx")
            context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
            base = f"https://127.0.0.1:{https}"
            login = console_client.Login(base, "admin", password, context=context)
            ticket, spare = console_client.issue_tickets(site.manage, vm, 2)
            # Another site's page may not open it: the Origin must be the proxy's host.
            with pytest.raises(console_client.WebSocketError, match="403"):
                console_client.WebSocket.connect(
                    console_client.console_url(base, "console", vm, spare),
                    origin="https://evil.example",
                    cookie=f"sessionid={login.cookies['sessionid']}",
                    context=context,
                )
            rfb = console_client.open_console(base, login, "console", vm, ticket, context)
            assert (rfb.width, rfb.height) == (640, 480)
            rfb.request(incremental=False)
            assert rfb.update() == 640 * 480 * rfb.bytes_per_pixel
            rfb.close()
            # Plain HTTP is sent to HTTPS by the example's port-80 server.
            redirect = subprocess.run(
                ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                 f"http://127.0.0.1:{http}/accounts/login/"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            assert redirect == "301 https://127.0.0.1/accounts/login/"
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
    access = (tmp_path / "access.log").read_text()
    assert "/console/vnc/ws?ticket=" in access and '" 101 ' in access


def test_the_apache_example_passes_apaches_syntax_check(tmp_path):
    if not Path(APACHE).exists():
        pytest.fail("apache2 is missing: bin/install-system-deps test installs apache2-bin")
    cert, key = self_signed(tmp_path)
    site = substitute(
        (EXAMPLES / "apache-ganeti-webmgr.conf").read_text(),
        {
            "/etc/ssl/certs/gwm.example.org.pem": str(cert),
            "/etc/ssl/private/gwm.example.org.key": str(key),
        },
    )
    (tmp_path / "site.conf").write_text(site)
    modules = "/usr/lib/apache2/modules"
    loads = "\n".join(
        f"LoadModule {name}_module {modules}/mod_{name}.so"
        for name in ("mpm_event", "authz_core", "ssl", "socache_shmcb", "proxy", "proxy_http",
                     "headers", "rewrite")
    )  # fmt: skip
    config = tmp_path / "apache2.conf"
    config.write_text(
        f"{loads}\nServerRoot {tmp_path}\nPidFile {tmp_path}/apache2.pid\n"
        f"ErrorLog {tmp_path}/error.log\nListen 127.0.0.1:{free_port()}\n"
        f"Include {tmp_path}/site.conf\n"
    )
    result = subprocess.run(
        [APACHE, "-t", "-f", str(config)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Syntax OK" in result.stderr
