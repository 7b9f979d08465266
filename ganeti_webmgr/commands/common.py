"""What every gwm-* command does first: load and check the configuration, then Django."""

from __future__ import annotations

import os
import sys

from ganeti_webmgr import conf
from ganeti_webmgr.conf import secret_key

# Exit status for configuration problems (the sysexits-like convention of the issue).
CONFIG_ERROR = 2


def fail(problems: list[str]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(CONFIG_ERROR)


def load_config(require_secret_key: bool = True) -> conf.Config:
    """The validated configuration, or exit 2 with one line per problem on stderr."""
    try:
        config = conf.current()
        if require_secret_key:
            secret_key.read(config.secret_key_file)
    except conf.ConfigError as error:
        fail(error.problems)
    return config


def drop_privileges(config: conf.Config) -> None:
    """Run as the owner of the data directory when started as root.

    Otherwise `gwm-manage migrate` or `gwm-init` run by root would leave a root-owned
    SQLite file or static files that the service user (gwm) cannot write.
    """
    if os.geteuid() != 0:
        return
    try:
        info = os.stat(config.get("paths", "data_dir"))
    except FileNotFoundError:
        return
    if info.st_uid == 0:
        return
    import pwd

    user = pwd.getpwuid(info.st_uid)
    os.setgroups(os.getgrouplist(user.pw_name, info.st_gid))
    os.setgid(info.st_gid)
    os.setuid(info.st_uid)
    os.environ["HOME"] = user.pw_dir


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganeti_webmgr.settings")
    import django

    django.setup()
