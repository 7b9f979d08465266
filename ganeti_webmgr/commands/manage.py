"""gwm-manage: Django's manage.py for this installation (migrate, shell, ...)."""

from __future__ import annotations

import sys

from ganeti_webmgr.commands import common


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    config = common.load_config()
    common.drop_privileges(config)
    common.setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gwm-manage", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
