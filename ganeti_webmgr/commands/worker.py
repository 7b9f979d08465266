"""gwm-worker: keep GWM's copy of every cluster up to date and follow GWM's Ganeti jobs.

Syncs each cluster every [worker] sync_interval seconds (sooner when Ganeti's hook
asks), follows every job started from GWM until it ends. TERM or INT stops it
after the work in hand, without half-written syncs.
"""

from __future__ import annotations

import argparse
import sys

from ganeti_webmgr.commands import common


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gwm-worker", description=__doc__.splitlines()[0])
    p.add_argument(
        "--once", action="store_true", help="do what is due now (syncs and job steps), then exit"
    )
    p.add_argument("--name", help="name of this worker in claims and logs (default host:pid)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = common.load_config()
    common.drop_privileges(config)
    common.setup_django()
    from django.conf import settings

    from ganeti_webmgr import audit
    from ganeti_webmgr.worker.loop import Worker

    # What the worker writes is recorded (sync errors, job ends, log entries): English
    # in every thread, whatever the site's [web] language (docs/translations.rst).
    settings.LANGUAGE_CODE = audit.RECORD_LANGUAGE

    worker = Worker(
        sync_interval=config.get("worker", "sync_interval"),
        max_backoff=config.get("worker", "max_backoff"),
        sync_threads=config.get("worker", "sync_threads"),
        job_threads=config.get("worker", "job_threads"),
        name=args.name,
    )
    worker.run(once=args.once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
