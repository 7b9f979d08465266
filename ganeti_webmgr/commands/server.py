"""gwm-server: serve GWM with gunicorn; static files are served by WhiteNoise.

Each worker process is uvicorn's (httptools, uvloop) under gunicorn: pages are
Django's WSGI application run in a pool of [server] threads, websockets are served
beside them on the same port (docs/commands.rst has the measurements).

Signals: TERM stops gracefully, HUP re-reads the configuration and replaces the
workers (refused, with the problems logged, when the new configuration is bad).
"""

from __future__ import annotations

import argparse
import os
import sys

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from ganeti_webmgr import conf
from ganeti_webmgr.commands import common
from ganeti_webmgr.conf import loader, secret_key

SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented choice for worker heartbeats


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gwm-server", description=__doc__.splitlines()[0])
    p.add_argument("--bind", help="listen address, overrides [server] bind")
    p.add_argument("--workers", type=int, help="worker processes, overrides [server] workers")
    p.add_argument(
        "--timeout", type=int, help="request timeout in seconds, overrides [server] timeout"
    )
    p.add_argument("--access-log", action="store_true", help="log every request to stderr")
    p.add_argument(
        "--no-control-socket",
        action="store_true",
        help="do not create gunicorn's control socket (<data_dir>/gunicorn.ctl)",
    )
    return p


class GwmArbiter(Arbiter):
    def handle_hup(self):
        # A reload with a broken configuration would start workers that cannot boot,
        # and gunicorn then stops altogether: keep the running workers instead.
        try:
            fresh = conf.load()
            secret_key.read(fresh.secret_key_file)
        except conf.ConfigError as error:
            for problem in error.problems:
                self.log.error("reload refused: %s", problem)
            return
        loader._current = fresh
        super().handle_hup()


class GwmServer(BaseApplication):
    def __init__(self, args: argparse.Namespace):
        self.args = args
        super().__init__(prog="gwm-server")

    def load_config(self):
        config = conf.current()
        args = self.args
        options = {
            "bind": [args.bind or config.get("server", "bind")],
            "workers": args.workers or config.get("server", "workers"),
            "timeout": args.timeout or config.get("server", "timeout"),
            "proc_name": "gwm-server",
            "worker_class": "ganeti_webmgr.commands.uvicorn_worker.GwmWorker",
            "accesslog": "-" if args.access_log else None,
            "errorlog": "-",
            "loglevel": config.get("logging", "level"),
            # Heartbeat files in RAM: /tmp may be slow or private.
            "worker_tmp_dir": SHM if os.path.isdir(SHM) else None,
            "control_socket_disable": args.no_control_socket,
            "control_socket": os.path.join(config.get("paths", "data_dir"), "gunicorn.ctl"),
        }
        known = self.cfg.settings
        for name, value in options.items():
            if name in known and value is not None:
                self.cfg.set(name, value)

    def load(self):
        from ganeti_webmgr.asgi import make_application

        return make_application(threads=conf.current().get("server", "threads"))

    def run(self):
        try:
            GwmArbiter(self).run()
        except RuntimeError as error:
            print(f"gwm-server: {error}", file=sys.stderr)
            sys.exit(1)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = common.load_config()
    data_dir = config.get("paths", "data_dir")
    if not os.path.exists(os.path.join(data_dir, "initialized")):
        common.fail([f"gwm-server: {data_dir} is not initialised; run gwm-init first"])
    common.drop_privileges(config)
    GwmServer(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
