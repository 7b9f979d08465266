"""A console session through an installed package's gwm-server (packaging/test-packages).

    python3 packaging/console_check.py CHROOT BASE_URL ADMIN_PASSWORD

Starts TigerVNC's Xvnc on this host's loopback (the chroot shares the network), runs
the installed package's own simulator in the chroot (``/opt/ganeti-webmgr/bin/python
-m ganeti_webmgr.testing.console_sim``) with a VM whose console is that Xvnc, adds it
with the installed ``gwm-manage`` (``cluster add``, a sync, the VNC password, a
ticket), then logs in at BASE_URL as admin, opens the VM's console websocket and
completes RFB up to a full FramebufferUpdate. Prints what it did; exits 1 on failure.
Only Python's standard library on this side (and the repository's testing helpers).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ganeti_webmgr.testing import console_client
from ganeti_webmgr.testing.vnc import xvnc

# In the chroot, for the simulator's RAPI password (a throwaway one).
SECRET = "/tmp/console-check-rapi-password"  # noqa: S105, S108
CLEAN = ["/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8"]


def main() -> int:
    chroot, base, password = sys.argv[1:4]
    inside = ["chroot", chroot, *CLEAN]

    def manage(*args, input=None):
        result = subprocess.run(
            [*inside, "gwm-manage", *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"gwm-manage {args[0]}: {result.stderr[-2000:]}")
        return result.stdout

    started = time.monotonic()
    python = [*inside, "/opt/ganeti-webmgr/bin/python"]
    with (
        xvnc(width=640, height=480) as vnc,
        console_client.console_sim(python, vnc.port) as sim,
    ):
        # gwm-manage runs as gwm: the RAPI password in a file that user may read.
        secret = Path(chroot + SECRET)
        secret.write_text(sim["password"] + "\n")
        secret.chmod(0o644)
        try:
            console_client.add_console_cluster(manage, sim, vnc.password, password_file=SECRET)
        finally:
            secret.unlink()
        vm = sim["vms"][0]
        (ticket,) = console_client.issue_tickets(manage, vm)
        login = console_client.Login(base, "admin", password)
        rfb = console_client.open_console(base, login, "console", vm, ticket)
        rfb.request(incremental=False)
        pixels = rfb.update()
        rfb.close()
    expected = 640 * 480 * rfb.bytes_per_pixel
    if (rfb.width, rfb.height) != (640, 480) or pixels != expected:
        print(f"console: {rfb.width}x{rfb.height}, {pixels} of {expected} bytes", file=sys.stderr)
        return 1
    print(
        f"console of {vm}: websocket and RFB handshake (security None from gwm-server, "
        f"VNC auth answered by it), {rfb.width}x{rfb.height} FramebufferUpdate of "
        f"{pixels} bytes, in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
