"""gwm-manage console_settings CLUSTER: a cluster's console secrets (VNC password,
VNC TLS CA, serial console key and the nodes' SSH host keys)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.console.models import ClusterConsole
from ganeti_webmgr.console.serial import host_pattern


class Command(BaseCommand):
    help = "Show or set a cluster's console settings (docs/console-admin.rst)."

    def add_arguments(self, parser):
        parser.add_argument("cluster", help="the cluster's slug")
        parser.add_argument(
            "--vnc-password-file",
            metavar="FILE",
            help="the hypervisor's vnc_password_file content ('-': ask; empty file: none)",
        )
        parser.add_argument(
            "--vnc-tls-ca", metavar="PEM", help="CA certificate of the nodes' VNC TLS certificates"
        )
        parser.add_argument("--no-vnc-tls", action="store_true", help="forget the VNC TLS CA")
        parser.add_argument(
            "--generate-serial-key",
            action="store_true",
            help="make a new serial console key and print its public key line",
        )
        parser.add_argument(
            "--serial-key-file", metavar="FILE", help="use this OpenSSH private key instead"
        )
        parser.add_argument(
            "--add-host-key",
            nargs=2,
            metavar=("ADDRESS[:PORT]", "PUBLIC_KEY_FILE"),
            help="trust this node host key (e.g. /etc/ssh/ssh_host_ed25519_key.pub)",
        )
        parser.add_argument(
            "--forget-host-key", metavar="ADDRESS[:PORT]", help="drop a node's recorded host key"
        )
        parser.add_argument(
            "--accept-new-host-keys",
            choices=["yes", "no"],
            help="record the first host key of a node without one (default yes)",
        )

    def handle(self, *args, **options):
        try:
            cluster = Cluster.objects.get(slug=options["cluster"])
        except Cluster.DoesNotExist:
            raise CommandError(f"no cluster {options['cluster']!r}") from None
        settings, _ = ClusterConsole.objects.get_or_create(cluster=cluster)
        if options["vnc_password_file"] == "-":  # noqa: S105 - the ask-me marker
            settings.vnc_password = getpass.getpass("VNC password: ")
        elif options["vnc_password_file"]:
            settings.vnc_password = _read(options["vnc_password_file"]).strip()
        if options["no_vnc_tls"]:
            settings.vnc_tls_ca = ""
        elif options["vnc_tls_ca"]:
            pem = _read(options["vnc_tls_ca"])
            if "-----BEGIN CERTIFICATE-----" not in pem:
                raise CommandError(f"{options['vnc_tls_ca']} holds no PEM certificate")
            settings.vnc_tls_ca = pem
        if options["generate_serial_key"]:
            settings.generate_serial_key()
        elif options["serial_key_file"]:
            settings.serial_key = _read(options["serial_key_file"])
            try:
                settings.serial_public_key()
            except Exception:
                raise CommandError(
                    f"{options['serial_key_file']} is no OpenSSH private key"
                ) from None
        if options["add_host_key"]:
            where, path = options["add_host_key"]
            fields = _read(path).split()
            if len(fields) < 2 or not fields[0].startswith(("ssh-", "ecdsa-")):
                raise CommandError(f"{path} holds no SSH public key")
            pattern = _pattern(where)
            lines = [
                row
                for row in settings.serial_known_hosts.splitlines()
                if row.split()[:1] != [pattern]
            ]
            settings.serial_known_hosts = (
                "\n".join([*lines, f"{pattern} {fields[0]} {fields[1]}"]) + "\n"
            )
        if options["forget_host_key"]:
            pattern = _pattern(options["forget_host_key"])
            lines = [
                row
                for row in settings.serial_known_hosts.splitlines()
                if row.split()[:1] != [pattern]
            ]
            settings.serial_known_hosts = "".join(f"{row}\n" for row in lines)
        if options["accept_new_host_keys"]:
            settings.serial_accept_new_host_keys = options["accept_new_host_keys"] == "yes"
        settings.save()
        self._show(settings)

    def _show(self, settings: ClusterConsole) -> None:
        out = self.stdout.write
        out(f"cluster: {settings.cluster.slug}")
        out(f"VNC password: {'set' if settings.vnc_password_encrypted else 'none'}")
        out(f"VNC TLS CA: {'set' if settings.vnc_tls_ca.strip() else 'none (no TLS)'}")
        public = settings.serial_public_key()
        out("serial console public key (for authorized_keys on every node):")
        out(f"  {public}" if public else "  none")
        out(f"accept new host keys: {'yes' if settings.serial_accept_new_host_keys else 'no'}")
        out("recorded host keys:")
        for row in settings.serial_known_hosts.splitlines() or ["none"]:
            out(f"  {row}")


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None


def _pattern(where: str) -> str:
    host, _, port = where.rpartition(":") if where.count(":") == 1 else (where, "", "22")
    if not host:
        host, port = where, "22"
    try:
        return host_pattern(host, int(port or 22))
    except ValueError:
        raise CommandError(f"{where}: not ADDRESS or ADDRESS:PORT") from None
