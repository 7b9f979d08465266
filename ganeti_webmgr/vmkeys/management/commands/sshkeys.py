"""gwm-manage sshkeys list|map|unmap|check|token: a cluster's SSH key settings, scripted."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.vmkeys import mapping
from ganeti_webmgr.vmkeys.feed import rotate_token
from ganeti_webmgr.vmkeys.forms import OS_NAME, PARAMETER
from ganeti_webmgr.vmkeys.models import KeyParameter


class Command(BaseCommand):
    help = "A cluster's SSH key settings: OS parameter mappings and the key feed's token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        lst = sub.add_parser("list", help="the cluster's mappings")
        lst.add_argument("cluster")
        add = sub.add_parser("map", help="put the requester's keys into PARAMETER of OS")
        add.add_argument("cluster")
        add.add_argument("os", help="image (all its variants) or image+debian")
        add.add_argument("parameter", help="the OS parameter, e.g. ssh_key")
        add.add_argument(
            "--keys",
            choices=KeyParameter.Layout.values,
            default=KeyParameter.Layout.LINES,
            help="lines: one authorized_keys line each (default); commas: comma-separated; "
            "first: the oldest key only",
        )
        rm = sub.add_parser("unmap", help="remove the mapping of OS")
        rm.add_argument("cluster")
        rm.add_argument("os")
        check = sub.add_parser(
            "check", help="have Ganeti check every mapping again (exit 1 on problems)"
        )
        check.add_argument("cluster")
        token = sub.add_parser("token", help="the key feed's token")
        token.add_argument("verb", choices=["rotate"], help="rotate: make a new one, print it")
        token.add_argument("cluster")

    def handle(self, *args, action, cluster, **options):
        found = Cluster.objects.filter(slug=cluster).first()
        if found is None:
            raise CommandError(f"no cluster named {cluster!r}")
        getattr(self, f"do_{action}")(found, **options)

    def do_list(self, cluster, **_):
        for m in KeyParameter.objects.filter(cluster=cluster):
            keys = m.layout
            declared = "declared" if m.is_declared else "NOT DECLARED"
            self.stdout.write(f"{m.os}\t{m.parameter}\t{keys}\t{declared}")

    def do_map(self, cluster, os, parameter, keys, **_):
        if not OS_NAME.fullmatch(os) or not PARAMETER.fullmatch(parameter):
            raise CommandError("write the OS as image or image+variant, the parameter as a name")
        if KeyParameter.objects.filter(cluster=cluster, os=os).exists():
            raise CommandError(f"{os} has a mapping already; unmap it first")
        try:
            mapping.add(cluster, os, parameter, keys)
        except (mapping.CheckFailed, mapping.Undeclared) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"keys go into {parameter} of {os} on {cluster.slug}")

    def do_unmap(self, cluster, os, **_):
        row = KeyParameter.objects.filter(cluster=cluster, os=os).first()
        if row is None:
            raise CommandError(f"{os} has no mapping on {cluster.slug}")
        mapping.remove(row)
        self.stdout.write(f"removed the mapping of {os}")

    def do_check(self, cluster, **_):
        try:
            problems = mapping.refresh(cluster)
        except mapping.CheckFailed as error:
            raise CommandError(str(error)) from None
        for text in problems:
            self.stderr.write(text)
        if problems:
            raise CommandError(f"{len(problems)} mapping(s) name undeclared parameters")
        self.stdout.write("every mapping's OS declares its parameter")

    def do_token(self, cluster, verb, **_):
        self.stdout.write(rotate_token(cluster))
