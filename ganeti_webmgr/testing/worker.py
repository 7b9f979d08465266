"""gwm-worker's work, run in the test process until nothing is left to do."""

from __future__ import annotations

from ganeti_webmgr.worker.loop import Worker


def run_once(rounds: int = 3) -> None:
    """Submit what users asked for and follow the jobs to their end, as gwm-worker does;
    a few passes, for what a finished job makes due (a sync, a creation's own jobs)."""
    for _ in range(rounds):
        Worker(sync_interval=3600, max_backoff=900, sync_threads=1, job_threads=4, tick=0.05).run(
            once=True, handle_signals=False
        )
