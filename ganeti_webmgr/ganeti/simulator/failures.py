"""How a simulated opcode fails, encoded in the job as Ganeti's errors.EncodeException does."""

from __future__ import annotations

from typing import Any


class OpFailure(Exception):
    """An opcode failed; ``code`` is Ganeti's ECODE_* word, None for errors without one."""

    def __init__(self, error_class: str, message: str, code: str | None = None):
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.code = code

    def encode(self) -> list[Any]:
        args: list[Any] = [self.message] if self.code is None else [self.message, self.code]
        return [self.error_class, args]


class DryRunStop(Exception):
    """Raised where Ganeti's CheckPrereq ends: a dry run stops there, before Exec."""


def prereq(message: str, code: str | None) -> OpFailure:
    return OpFailure("OpPrereqError", message, code)


def exec_error(message: str) -> OpFailure:
    return OpFailure("OpExecError", message)
