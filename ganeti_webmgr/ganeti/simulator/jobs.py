"""The simulated job queue: ids, queued/running/success/error/canceled, wait, cancel.

Behaviour copied from a real Ganeti 3.0 (see tests/recordings): jobs run in
worker threads, ``/wait`` returns at once for a finished job and ``null``
after its timeout when nothing changed, cancel only dequeues queued jobs,
filters (``/2/filters``) with action ``PAUSE`` keep matching jobs queued.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .cluster import OpFailure, SimCluster

FINAL = ("success", "error", "canceled")


def _ts(t: float | None) -> list[int] | None:
    return None if t is None else [int(t), int((t % 1) * 1_000_000)]


@dataclass
class SimJob:
    id: int
    ops: list[dict[str, Any]]
    status: str = "queued"
    received: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    dry_run: bool = False

    def __post_init__(self) -> None:
        n = len(self.ops)
        self.opstatus = ["queued"] * n
        self.opresult: list[Any] = [None] * n
        self.oplog: list[list[list[Any]]] = [[] for _ in range(n)]
        self.log_serial = 0
        for index, op in enumerate(self.ops):
            op.setdefault("reason", []).append(
                [
                    f"gnt:opcode:{op['OP_ID'][3:].lower()}",
                    f"job={self.id};index={index}",
                    time.time_ns(),
                ]
            )

    def summary(self) -> list[str]:
        out = []
        for op in self.ops:
            name = op["OP_ID"][3:]
            target = op.get("instance_name") or op.get("node_name")
            out.append(f"{name}({target})" if target else name)
        return out

    def log(self, index: int, message: str) -> None:
        self.log_serial += 1
        self.oplog[index].append([self.log_serial, _ts(time.time()), "message", message])

    def field(self, name: str) -> Any:
        return {
            "id": self.id,
            "ops": self.ops,
            "status": self.status,
            "summary": self.summary(),
            "opstatus": self.opstatus,
            "opresult": self.opresult,
            "oplog": self.oplog,
            "received_ts": _ts(self.received),
            "start_ts": _ts(self.started),
            "end_ts": _ts(self.ended),
        }[name]

    def lock_keys(self) -> set[str]:
        """The objects this job locks; Ganeti runs jobs sharing one in turn."""
        keys = set()
        for op in self.ops:
            for key in ("instance_name", "node_name", "new_name"):
                if op.get(key):
                    keys.add(op[key])
            for inst in op.get("instances") or []:
                keys.add(inst if isinstance(inst, str) else inst.get("instance_name"))
        return keys

    def reasons(self) -> list[str]:
        return [entry[1] for op in self.ops for entry in op.get("reason", [])]


@dataclass
class SimFilter:
    uuid: str
    watermark: int
    priority: int
    predicates: list[Any]
    action: Any
    reason_trail: list[Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "watermark": self.watermark,
            "priority": self.priority,
            "predicates": self.predicates,
            "action": self.action,
            "reason_trail": self.reason_trail,
            "uuid": self.uuid,
        }

    def matches(self, job: SimJob) -> bool:
        if job.id <= self.watermark:
            return False
        for predicate in self.predicates:
            kind, expr = predicate[0], predicate[1]
            if kind == "reason":
                op, _field, value = expr
                if op in ("=", "==") and value not in job.reasons():
                    return False
            elif kind == "jobid":
                op, _field, value = expr
                if op == ">" and not job.id > (self.watermark if value == "watermark" else value):
                    return False
            else:
                return False
        return True


class SimJobQueue:
    """Jobs of one :class:`SimCluster`; ``op_duration`` seconds per opcode, or a
    ``(shortest, longest)`` range each opcode takes a random time of."""

    def __init__(
        self,
        cluster: SimCluster,
        *,
        op_duration: float | tuple[float, float] = 0.0,
        workers: int = 2,
        wait_timeout: float = 10.0,
        first_job_id: int = 1,
    ):
        self.cluster = cluster
        self.op_duration = op_duration
        self.wait_timeout = wait_timeout
        self.jobs: dict[int, SimJob] = {}
        self._pending: dict[int, SimJob] = {}  # queued or running, in order
        self.filters: dict[str, SimFilter] = {}
        self._next_id = first_job_id
        self._changed = threading.Condition(threading.RLock())
        self._stopping = False
        self._held = False
        self._failures: list[tuple[str | None, OpFailure]] = []
        self._threads = [
            threading.Thread(target=self._work, name=f"sim-job-worker-{i}", daemon=True)
            for i in range(workers)
        ]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        for t in self._threads:
            t.join(timeout=5)

    @property
    def next_id(self) -> int:
        """The id the next job gets (kept with a saved cluster: ids are never reused)."""
        with self._changed:
            return self._next_id

    def _op_seconds(self) -> float:
        if isinstance(self.op_duration, tuple):
            return random.uniform(*self.op_duration)  # noqa: S311 -- pacing, not security
        return self.op_duration

    # -- control used by tests and fault injection ------------------------------
    def hold(self, held: bool = True) -> None:
        """While held, new and queued jobs stay ``queued``."""
        with self._changed:
            self._held = held
            self._changed.notify_all()

    def fail_next(
        self,
        message: str = "Simulated prerequisite failure",
        code: str | None = "wrong_input",
        error_class: str = "OpPrereqError",
        op_id: str | None = None,
    ) -> None:
        """Make the next opcode (of kind ``op_id`` if given) fail like Ganeti would."""
        with self._changed:
            self._failures.append((op_id, OpFailure(error_class, message, code)))

    # -- submission and queries -----------------------------------------------
    def submit(self, ops: list[dict[str, Any]], *, dry_run: bool = False) -> int:
        with self._changed:
            job_id = self._next_id
            self._next_id += 1
            if dry_run:
                for op in ops:
                    op["dry_run"] = True
            job = SimJob(job_id, ops, dry_run=dry_run)
            self.jobs[job_id] = job
            self._pending[job_id] = job
            action = self._filter_action(job)
            if action == "REJECT":
                self._cancel(job)
            self._changed.notify_all()
            return job_id

    def get(self, job_id: int) -> SimJob | None:
        return self.jobs.get(job_id)

    def cancel(self, job_id: int) -> list[Any]:
        with self._changed:
            job = self.jobs.get(job_id)
            if job is None or job.status in FINAL:
                return [False, f"Job {job_id} not found in queue"]
            if job.status != "queued":
                return [False, f"Job {job_id} is no longer waiting in the queue"]
            self._cancel(job)
            self._changed.notify_all()
            return [True, f"Dequeued job {job_id}"]

    def _cancel(self, job: SimJob) -> None:
        job.status = "canceled"
        job.opstatus = ["canceled"] * len(job.ops)
        job.ended = time.time()
        self._pending.pop(job.id, None)

    def wait(
        self,
        job_id: int,
        fields: list[str],
        previous_info: list[Any] | None,
        previous_serial: int | None,
        timeout: float | None = None,
    ) -> dict[str, Any] | None:
        """Like luxid's WaitForJobChangeOnce; KeyError for an unknown job."""
        deadline = time.monotonic() + (self.wait_timeout if timeout is None else timeout)
        with self._changed:
            while True:
                job = self.jobs[job_id]
                info = [job.field(f) for f in fields]
                entries = [
                    e
                    for log in job.oplog
                    for e in log
                    if previous_serial is None or e[0] > previous_serial
                ]
                if job.status in FINAL or info != previous_info or entries:
                    return {"job_info": info, "log_entries": entries}
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stopping:
                    return None
                self._changed.wait(remaining)

    # -- filters ---------------------------------------------------------------
    def add_filter(self, priority: int, predicates: list[Any], action: Any) -> str:
        with self._changed:
            norm = []
            for p in predicates:
                if p and p[0] == "reason" and p[1] and p[1][0] == "=":
                    p = [p[0], ["==", *p[1][1:]]]  # Ganeti normalises "=" to "=="
                norm.append(p)
            f = SimFilter(
                str(uuid.uuid4()),
                self._next_id - 1,
                priority,
                norm,
                action,
                [["luxid", "", time.time_ns()]],
            )
            self.filters[f.uuid] = f
            return f.uuid

    def delete_filter(self, filter_uuid: str) -> bool:
        with self._changed:
            found = self.filters.pop(filter_uuid, None) is not None
            self._changed.notify_all()
            return found

    def _filter_action(self, job: SimJob) -> str:
        for f in sorted(self.filters.values(), key=lambda f: f.priority):
            if f.matches(job):
                action = f.action if isinstance(f.action, str) else "CONTINUE"
                if action != "CONTINUE":
                    return action
        return "ACCEPT"

    # -- execution ---------------------------------------------------------------
    def _next_runnable(self) -> SimJob | None:
        if self._held:
            return None
        locked: set[str] = set()
        for job in self._pending.values():
            if job.status == "running":
                locked |= job.lock_keys()
        for job in self._pending.values():
            if job.status != "queued" or self._filter_action(job) == "PAUSE":
                continue
            keys = job.lock_keys()
            if not keys & locked:
                return job
            locked |= keys  # jobs keep their order per object
        return None

    def _work(self) -> None:
        while True:
            with self._changed:
                job = self._next_runnable()
                while job is None and not self._stopping:
                    self._changed.wait(0.5)
                    job = self._next_runnable()
                if self._stopping or job is None:
                    return
                job.status = "running"
                job.started = time.time()
                self._changed.notify_all()
            self._run(job)

    def _run(self, job: SimJob) -> None:
        failed = False
        for index, op in enumerate(job.ops):
            with self._changed:
                if failed:
                    job.opstatus[index] = "error"
                    job.opresult[index] = ["OpExecError", ["Preceding opcode failed"]]
                    continue
                job.opstatus[index] = "running"
                job.log(index, f"* running {job.summary()[index]}")
                self._changed.notify_all()
            if seconds := self._op_seconds():
                time.sleep(seconds)
            log: list[str] = []
            try:
                result = self._execute(job, op, log)
                status = "success"
            except OpFailure as exc:
                result, status, failed = exc.encode(), "error", True
            except Exception as exc:  # a simulator bug must not kill the worker
                result, status, failed = ["OpExecError", [f"simulator error: {exc}"]], "error", True
            with self._changed:
                for message in log:
                    job.log(index, message)
                job.opstatus[index] = status
                job.opresult[index] = result
                self._changed.notify_all()
        with self._changed:
            job.status = "error" if failed else "success"
            job.ended = time.time()
            self._pending.pop(job.id, None)
            self._changed.notify_all()

    def _execute(self, job: SimJob, op: dict[str, Any], log: list[str]) -> Any:
        with self._changed:
            for i, (op_id, failure) in enumerate(self._failures):
                if op_id in (None, op["OP_ID"]):
                    del self._failures[i]
                    raise failure
        result = self.cluster.execute(op, log)
        if op.get("dry_run"):
            return result
        if op["OP_ID"] == "OP_INSTANCE_MULTI_ALLOC":
            # Ganeti submits one creation job per allocatable instance.
            for inst in op["instances"]:
                create = {"OP_ID": "OP_INSTANCE_CREATE", "reason": [], **inst}
                result["jobs"].append([True, self.submit([create])])
        if isinstance(result, dict) and "_jobs" in result:
            # An LU's ResultWithJobs (node evacuate, node migrate): Ganeti submits
            # the jobs and answers with their ids.
            for ops in result.pop("_jobs"):
                for sub in ops:
                    sub.setdefault("reason", []).extend(op.get("reason", []))
                result["jobs"].append([True, self.submit(ops)])
        return result
