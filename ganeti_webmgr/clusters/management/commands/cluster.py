"""gwm-manage cluster add|list|show|sync|remove|notify-token: scriptable cluster administration."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from ganeti_webmgr.clusters import connection, rapi
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiError, Timeouts, fetch_certificate_fingerprint
from ganeti_webmgr.ganeti.tls import format_fingerprint, normalize_fingerprint
from ganeti_webmgr.ganeti.transport import parse_rapi_url
from ganeti_webmgr.inventory import sync

CHECK_TIMEOUTS = Timeouts(connect=5, read=15, total=30)


class Command(BaseCommand):
    help = "Add, list, show, sync and remove the Ganeti clusters GWM manages."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        add = sub.add_parser("add", help="add a cluster (checks that it answers first)")
        add.add_argument("name", help="short name (slug) used in URLs and commands")
        add.add_argument("--hostname", required=True, help="RAPI host name of the cluster")
        add.add_argument("--port", type=int, default=5080)
        add.add_argument("--username", default="", help="RAPI user")
        add.add_argument(
            "--password-file", type=Path, help="file holding the RAPI password (first line)"
        )
        trust = add.add_mutually_exclusive_group(required=True)
        trust.add_argument("--fingerprint", help="pinned SHA-256 fingerprint of its certificate")
        trust.add_argument("--ca-file", type=Path, help="PEM file of the CA that signed it")
        trust.add_argument(
            "--system-ca",
            action="store_true",
            help="its certificate is signed by a CA the system trusts",
        )
        trust.add_argument(
            "--trust-on-first-use",
            action="store_true",
            help="pin whatever certificate it presents now (prints it)",
        )
        add.add_argument(
            "--read-only",
            action="store_true",
            help="GWM never writes to it (implied without --username)",
        )
        add.add_argument(
            "--no-auto-import",
            action="store_true",
            help="new instances and nodes wait in the import tools instead of appearing "
            "on the next sync (the first sync included)",
        )
        add.add_argument("--description", default="")
        add.add_argument(
            "--no-check", action="store_true", help="save without connecting to the cluster first"
        )
        lst = sub.add_parser("list", help="list the clusters")
        lst.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="show one cluster and its sync state")
        show.add_argument("name")
        show.add_argument("--json", action="store_true")
        run = sub.add_parser("sync", help="sync one cluster now, in the foreground")
        run.add_argument("name")
        rm = sub.add_parser("remove", help="remove a cluster from GWM (not from Ganeti)")
        rm.add_argument("name")
        rm.add_argument("--yes", action="store_true", help="do not ask")
        token = sub.add_parser(
            "notify-token", help="make a new token for the Ganeti hook script (prints it)"
        )
        token.add_argument("name")

    def handle(self, *args, action, **options):
        getattr(self, "do_" + action.replace("-", "_"))(**options)

    # -- actions ------------------------------------------------------------
    def do_add(
        self,
        name,
        hostname,
        port,
        username,
        password_file,
        fingerprint,
        ca_file,
        system_ca,
        trust_on_first_use,
        read_only,
        description,
        no_check,
        no_auto_import=False,
        **_,
    ):
        if slugify(name) != name:
            raise CommandError(
                f"name {name!r}: use lower-case letters, digits and '-' only "
                f"(e.g. {slugify(name)!r})"
            )
        if Cluster.objects.filter(slug=name).exists():
            raise CommandError(f"a cluster named {name!r} exists already")
        try:
            parse_rapi_url(f"{hostname}:{port}")
        except RapiError as error:
            raise CommandError(f"--hostname/--port: {error.message}") from None
        password = _read_password(password_file) if password_file else ""
        if bool(username) != bool(password):
            raise CommandError(
                "give --username and --password-file together (or neither, "
                "for a read-only cluster on an open RAPI)"
            )
        cluster = Cluster(
            slug=name,
            hostname=hostname,
            port=port,
            username=username,
            read_only=read_only or not username,
            auto_import=not no_auto_import,
            description=description,
        )
        cluster.password = password
        if trust_on_first_use:
            cluster.fingerprint = _fetch_fingerprint(hostname, port)
            self.stdout.write(f"pinned certificate fingerprint {cluster.fingerprint}")
        elif fingerprint:
            try:
                cluster.fingerprint = format_fingerprint(normalize_fingerprint(fingerprint))
            except RapiError as error:
                raise CommandError(f"--fingerprint: {error.message}") from None
        elif ca_file:
            try:
                cluster.ca_certificates = ca_file.read_text()
            except OSError as error:
                raise CommandError(f"--ca-file {ca_file}: {error.strerror}") from None
        if not no_check:
            self._check(cluster)
        cluster.save()
        self.stdout.write(
            f"added cluster {name} ({cluster.url}); gwm-worker syncs it shortly, "
            f"or run: gwm-manage cluster sync {name}"
        )

    def do_list(self, json: bool = False, **_):
        clusters = list(Cluster.objects.all())
        if json:
            self.stdout.write(_json([_summary(c) for c in clusters]))
            return
        if not clusters:
            self.stdout.write("no clusters; add one with: gwm-manage cluster add")
            return
        self.stdout.write(f"{'NAME':<20} {'URL':<40} {'VMS':>6} {'NODES':>5}  LAST SYNC")
        for c in clusters:
            state = c.last_sync_at.isoformat(timespec="seconds") if c.last_sync_at else "never"
            if c.consecutive_failures:
                state += f" (failing: {c.last_error[:60]})"
            self.stdout.write(
                f"{c.slug:<20} {c.url:<40} {c.instance_count:>6} {c.node_count:>5}  {state}"
            )

    def do_show(self, name, json: bool = False, **_):
        cluster = _get(name)
        summary = _summary(cluster)
        if json:
            self.stdout.write(_json(summary))
            return
        for key, value in summary.items():
            self.stdout.write(f"{key + ':':<22} {value if value not in (None, '') else '-'}")

    def do_sync(self, name, **_):
        from ganeti_webmgr import conf

        cluster = _get(name)
        worker = {k: conf.current().get("worker", k) for k in ("sync_interval", "max_backoff")}
        try:
            result = sync.sync_cluster(cluster)
        except RapiError as error:
            sync.record_failure(cluster, error, worker["sync_interval"], worker["max_backoff"])
            raise CommandError(f"sync of {name} failed: {error}") from None
        sync.record_success(cluster, result, worker["sync_interval"])
        self.stdout.write(
            f"synced {name} in {result.seconds:.2f}s (RAPI {result.fetch_seconds:.2f}s)"
        )
        for line in result.describe():
            self.stdout.write(line)

    def do_remove(self, name, yes: bool, **_):
        cluster = _get(name)
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("not on a terminal: confirm with --yes")
            answer = input(
                f"Remove {name} and everything GWM knows about it (its VMs, nodes, "
                "jobs) from GWM? Ganeti is not touched. [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("not removed")
        with transaction.atomic():
            cluster.delete()
        rapi.forget(cluster.pk)
        self.stdout.write(f"removed cluster {name} from GWM")

    def do_notify_token(self, name, **_):
        cluster = _get(name)
        token = cluster.new_notify_token()
        cluster.save(update_fields=["notify_token_hash"])
        self.stdout.write(token)

    def _check(self, cluster: Cluster) -> None:
        try:
            with rapi.new_client(cluster, CHECK_TIMEOUTS) as client:
                info = client.info()
        except RapiError as error:
            raise CommandError(
                f"cannot use {cluster.url}: {error} (use --no-check to save it anyway)"
            ) from None
        self.stdout.write(
            f"{cluster.url} answers: Ganeti {info.software_version}, cluster {info.name}"
        )
        duplicate = connection.already_added(info.name, info.uuid, exclude=cluster)
        if duplicate:
            raise CommandError(duplicate)
        # Who it is, known before the first sync, so a second add is refused meanwhile.
        cluster.ganeti_name = info.name
        cluster.info = {"name": info.name, "uuid": info.uuid}


def _get(name: str) -> Cluster:
    try:
        return Cluster.objects.get(slug=name)
    except Cluster.DoesNotExist:
        known = ", ".join(Cluster.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"no cluster named {name!r} (known: {known})") from None


def _read_password(path: Path) -> str:
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise CommandError(f"--password-file {path}: {error.strerror}") from None
    if not lines or not lines[0]:
        raise CommandError(f"--password-file {path}: the file is empty")
    return lines[0]


def _fetch_fingerprint(hostname: str, port: int) -> str:
    try:
        return fetch_certificate_fingerprint(hostname, port, timeout=10)
    except RapiError as error:
        raise CommandError(f"cannot fetch the certificate of {hostname}:{port}: {error}") from None


def _summary(c: Cluster) -> dict:
    return {
        "name": c.slug,
        "url": c.url,
        "description": c.description,
        "ganeti_name": c.ganeti_name,
        "ganeti_version": c.ganeti_version,
        "username": c.username,
        "read_only": c.read_only,
        "auto_import": c.auto_import,
        "trust": c.trust_description,
        "virtual_machines": c.instance_count,
        "nodes": c.node_count,
        "last_sync": c.last_sync_at.isoformat() if c.last_sync_at else None,
        "last_sync_seconds": c.last_sync_duration,
        "last_sync_changes": c.last_sync_changes,
        "consecutive_failures": c.consecutive_failures,
        "last_error": c.last_error,
        "last_error_at": c.last_error_at.isoformat() if c.last_error_at else None,
        "next_sync": c.next_sync_at.isoformat(),
        "hook_token": "set" if c.notify_token_hash else "not set",
    }


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False)
