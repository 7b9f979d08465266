"""gwm-manage rapi_check: check that a cluster's Remote API answers, before adding it."""

import sys

from django.core.management.base import BaseCommand

from ganeti_webmgr.ganeti import check


class Command(BaseCommand):
    help = check.__doc__.splitlines()[0]

    def run_from_argv(self, argv):
        # The checker has its own argument parser (it also runs without Django).
        sys.exit(check.main(argv[2:], prog=f"{argv[0]} {argv[1]}"))
