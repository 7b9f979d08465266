"""The audit log: who did what, to which objects, from where, and how its job ended.

The API other apps use (see docs/audit.rst):

    from ganeti_webmgr import audit

    before = audit.snapshot(user, FIELDS)
    with audit.change("user.edit", request=request, targets=[user]) as entry:
        ... change and save user ...
        entry.changes = audit.changes(before, audit.snapshot(user, FIELDS))

Names are resolved on first use, so importing this package does not import models
(Django imports it while it loads the apps).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ganeti_webmgr.audit.api import (
        change,
        changes,
        client_ip,
        mask_secrets,
        record,
        snapshot,
    )
    from ganeti_webmgr.audit.jobs import job_finished
    from ganeti_webmgr.audit.retention import prune

_EXPORTS = {
    "change": "api",
    "record": "api",
    "snapshot": "api",
    "changes": "api",
    "mask_secrets": "api",
    "client_ip": "api",
    "job_finished": "jobs",
    "prune": "retention",
}
# What is recorded (audit entries, a job's operations) is in English, whatever the
# language of the user who caused it: the records outlive them and are read by
# operators and tools. Texts built for a record are made under
# translation.override(RECORD_LANGUAGE).
RECORD_LANGUAGE = "en"

__all__ = [
    "RECORD_LANGUAGE",
    "change",
    "changes",
    "client_ip",
    "job_finished",
    "mask_secrets",
    "prune",
    "record",
    "snapshot",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
