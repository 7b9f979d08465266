"""A real sshd whose AuthorizedKeysCommand is gwm-authorized-keys lets in whom GWM
says administers the VM, and no one else (root; marked netns)."""

import grp
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from contextlib import suppress
from pathlib import Path

import pytest

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.accounts.sshkeys import parse
from ganeti_webmgr.testing import sshd
from ganeti_webmgr.vmkeys.feed import rotate_token

SCRIPT = Path(__file__).resolve().parents[3] / "share/ssh/gwm-authorized-keys"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.netns]


def relay(listen: tuple[str, int], target: tuple[str, int]) -> socket.socket:
    """TCP from listen (the host's end of the namespace's link) to target (the live
    server on loopback, which the namespace cannot reach); close the socket to stop."""
    server = socket.create_server(listen)

    def pipe(a, b):
        with suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        with suppress(OSError):
            b.shutdown(socket.SHUT_WR)

    def serve():
        with suppress(OSError):
            while True:
                client, _ = server.accept()
                upstream = socket.create_connection(target)
                threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
                threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server


def user_key(tmp_path, user, name):
    path = tmp_path / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    key = parse(path.with_suffix(".pub").read_text())
    SshKey.objects.create(user=user, name=name, key=key.line, fingerprint=key.fingerprint)
    return path


def login(server, key):
    return subprocess.run(
        [
            "ssh", "-i", str(key), "-p", str(server.port), "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=10", f"root@{server.host}", "echo logged-in",
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_gwms_admins_log_in_and_others_do_not(tmp_path, cast, live_server, settings):
    if why := sshd.available():
        pytest.skip(f"sshd in a network namespace {why}")
    bob_key = user_key(tmp_path, cast["people"]["bob"], "bob")  # a1's admin
    erin_key = user_key(tmp_path, cast["people"]["erin"], "erin")  # a1's power only
    token = rotate_token(cast["cluster"])
    # sshd checks that the command and every directory above it are root's and not
    # writable by others: not under /tmp.
    home = Path(tempfile.mkdtemp(prefix="gwm-akc-", dir="/run"))
    try:
        home.chmod(0o755)
        shutil.copy(SCRIPT, home / "gwm-authorized-keys")
        (home / "gwm-authorized-keys").chmod(0o755)
        cache = home / "cache"
        cache.mkdir()
        nobody = pwd.getpwnam("nobody")
        os.chown(cache, nobody.pw_uid, nobody.pw_gid)
        extra = (
            "AuthorizedKeysFile none\n"
            f"AuthorizedKeysCommand {home}/gwm-authorized-keys %u {home}/keys.conf\n"
            "AuthorizedKeysCommandUser nobody\n"
        )
        with sshd.sshd(extra_config=extra) as server:
            host_side = str(ipaddress.ip_address(server.host) - 1)
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host_side]
            port = int(live_server.url.rsplit(":", 1)[1])
            proxy = relay((host_side, 0), ("127.0.0.1", port))
            try:
                conf = home / "keys.conf"
                conf.write_text(
                    f"GWM_URL=http://{host_side}:{proxy.getsockname()[1]}\n"
                    f"GWM_CLUSTER=a\nGWM_TOKEN={token}\nGWM_VM=a1\nGWM_ALLOW_HTTP=yes\n"
                    f"GWM_CACHE_DIR={cache}\nGWM_TIMEOUT=5\n"
                )
                # Readable by the command's user through its group, as the docs set it up.
                os.chown(conf, 0, grp.getgrnam("nogroup").gr_gid)
                conf.chmod(0o640)
                ok = login(server, bob_key)
                assert ok.returncode == 0 and ok.stdout == "logged-in\n", ok.stderr
                refused = login(server, erin_key)
                assert refused.returncode == 255 and "Permission denied" in refused.stderr
                assert (cache / "a1.keys").read_text().count("\n") == 5  # alice carol dave, bob 2
            finally:
                proxy.close()
            # GWM gone: the cache still lets bob in.
            again = login(server, bob_key)
            assert again.returncode == 0 and again.stdout == "logged-in\n", again.stderr
    finally:
        shutil.rmtree(home, ignore_errors=True)
