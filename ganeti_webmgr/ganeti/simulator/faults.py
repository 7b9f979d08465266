"""Fault injection for the simulator: what a sick or hostile cluster does.

A :class:`Fault` applies to requests whose path matches ``path`` (a regular
expression, searched) and method matches ``method``; ``times`` limits how
often it fires (``None``: until removed).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal[
    "latency",  # sleep `seconds`, then answer normally
    "hang",  # sleep `seconds` (longer than the client's read timeout), then drop
    "status",  # answer HTTP `status` with Ganeti's JSON error body
    "malformed_json",  # answer 200 with a body that is not JSON
    "drop",  # close the connection without answering
    "lost_answer",  # do what was asked (a job is submitted), sleep `seconds`, then drop
    "unauthorized",  # 401 whatever the credentials
    "forbidden",  # 403 whatever the user
    "slow_body",  # send the body in `chunks` pieces, `seconds` apart
]


@dataclass
class Fault:
    kind: FaultKind
    path: str = ""
    method: str | None = None
    times: int | None = None
    seconds: float = 0.0
    status: int = 503
    message: str = "Simulated failure"
    chunks: int = 10
    fired: int = field(default=0, init=False)

    def applies(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        return re.search(self.path, path) is not None


class FaultSet:
    """The faults active on one simulator; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.wrong_certificate = False  # handshake with a certificate nobody pinned

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.wrong_certificate = False

    def take(self, method: str, path: str) -> list[Fault]:
        """The faults that fire for this request (each counted once)."""
        with self._lock:
            fired = [f for f in self._faults if f.applies(method, path)]
            for f in fired:
                f.fired += 1
            return fired
