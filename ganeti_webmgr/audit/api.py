"""Writing the audit log: change() and record(), and the helpers that compute
`changes` safely.

Called explicitly from service code and views. A change and its entry are written in
one transaction, so an entry exists exactly when the change was committed: change()
opens that transaction around the caller's change; record() is for code that writes
several entries inside a transaction of its own (and for logins, which change
nothing of GWM's).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ganeti_webmgr import conf
from ganeti_webmgr.audit.actions import ACTIONS
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.core.sorting import name_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest

    from ganeti_webmgr.jobs.models import Job

MASK = "(hidden)"
# Names of fields whose values never enter the log: passwords and their hashes,
# tokens, keys (private, API, shared), encrypted credentials. Public SSH keys are
# logged by fingerprint in the message instead, so "key" may stay on this list.
_SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?|secret|token|credential|private|encrypted|(^|_)key$|(^|_)hash$",
    re.IGNORECASE,
)
# Values that are secrets whatever their field is called: Django password hashes,
# PEM private keys.
_SECRET_VALUE = re.compile(
    r"^(pbkdf2_sha\d+|argon2|bcrypt(_sha256)?|scrypt|md5|sha1)\$|PRIVATE KEY-----", re.MULTILINE
)


@dataclass
class Pending:
    """The entry change() writes when its block ends. The block may fill in what the
    change tells (the object it created, the job it recorded, the changes it made),
    or skip() it when nothing changed."""

    action: str
    targets: list[models.Model]
    message: str = ""
    changes: Mapping[str, Any] | None = None
    job: Job | None = None
    skipped: bool = False
    entry: Entry | None = None  # once written
    # Targets saved when the block began, as they were then: for those the change
    # deletes (the others are named as they are at the end, renamed or not).
    _early: dict[int, Target] = field(default_factory=dict, repr=False)

    def skip(self) -> None:
        """Nothing changed: write no entry (the block's writes still commit)."""
        self.skipped = True


@contextmanager
def change(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    targets: Iterable[models.Model] = (),
    message: str = "",
    changes: Mapping[str, Any] | None = None,
    job: Job | None = None,
) -> Iterator[Pending]:
    """Make a change and write its entry in one transaction::

        with audit.change("vm.notes", request=request, targets=[vm, vm.cluster]) as entry:
            VirtualMachine.objects.filter(pk=vm.pk).update(notes=notes)
            entry.changes = {"notes": [vm.notes, notes]}

    The entry (arguments as record()'s) is written when the block ends, so the block
    may set its fields. If the block raises, nothing of it is written; if writing
    the entry fails, the change is rolled back with it. An unknown action code
    fails before the block runs.
    """
    _check_action(action)
    pending = Pending(action, list(targets), message, changes, job)
    with transaction.atomic():
        pending._early = {id(obj): _target_row(obj)[1] for obj in pending.targets if _saved(obj)}
        yield pending
        if not pending.skipped:
            pending.entry = _write(
                pending.action,
                actor,
                request,
                _target_rows(pending.targets, pending._early),
                pending.message,
                pending.changes,
                pending.job,
            )


def record(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    targets: Iterable[models.Model] = (),
    message: str = "",
    changes: Mapping[str, Any] | None = None,
    job: Job | None = None,
) -> Entry:
    """Write one entry: `action` (a code from audit.actions) done by `actor` on `targets`.

    With a request, the actor (unless given) and the source address come from it.
    `changes` is {field: [before, after]}; secret-looking fields are masked here,
    whatever the caller passed. Targets are saved model instances; list every object
    the entry concerns (a VM and its cluster), as each object's log shows only the
    entries that name it.
    """
    _check_action(action)
    return _write(action, actor, request, _target_rows(targets), message, changes, job)


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(
            f"unknown audit action {action!r}: add it to ganeti_webmgr/audit/actions.py "
            "and docs/audit.rst"
        )


def _write(action, actor, request, target_rows, message, changes, job) -> Entry:
    source_ip, via = None, ""
    if request is not None:
        source_ip = client_ip(request)
        if (token := getattr(request, "gwm_api_token", None)) is not None:
            via = token.label
        if actor is None:
            actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    actor_name = actor.get_username() if actor is not None else ""
    entry = Entry(
        actor=actor,
        actor_name=actor_name,
        actor_key=name_key(actor_name),
        source_ip=source_ip,
        via=via,
        action=action,
        message=message,
        changes=mask_secrets(dict(changes or {})),
        job=job,
    )
    if job is not None and job.finished:
        entry.job_status, entry.job_error = job.status, job_error_text(job)
    with transaction.atomic():
        entry.save()
        for row in target_rows:
            row.entry, row.time = entry, entry.time
        Target.objects.bulk_create(target_rows)
    return entry


def _target_rows(
    targets: Iterable[models.Model], early: Mapping[int, Target] | None = None
) -> list[Target]:
    rows: dict[tuple[int, int], Target] = {}
    for obj in targets:
        if obj is None:
            continue
        if obj.pk is None and early and id(obj) in early:  # deleted by the change
            row = early[id(obj)]
            key = (row.content_type_id, row.object_pk)
        else:
            key, row = _target_row(obj)
        rows.setdefault(key, row)
    return list(rows.values())


def _saved(obj: models.Model | None) -> bool:
    return obj is not None and obj.pk is not None


def _target_row(obj: models.Model) -> tuple[tuple[int, int], Target]:
    if obj.pk is None:
        raise ValueError(f"audit target {obj!r} is not saved (record before deleting)")
    if not isinstance(obj.pk, int):
        raise TypeError(f"audit targets need integer keys, not {obj.pk!r}")
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    key = (content_type.pk, obj.pk)
    return key, Target(content_type=content_type, object_pk=obj.pk, object_repr=str(obj)[:255])


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    Behind GWM's reverse proxy (`[web] behind_tls_proxy`), REMOTE_ADDR is the proxy
    and the client is the last X-Forwarded-For address: the one our proxy appended.
    Addresses before it were sent by the client and may be forged.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if conf.current().get("web", "behind_tls_proxy"):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if _valid_ip(forwarded):
            return forwarded
    return address if _valid_ip(address) else None


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def mask_secrets(value: Any, name: str = "") -> Any:
    """`value` with secret-named keys and password-hash strings replaced by MASK, at any depth."""
    if name and is_secret(name):
        return _mask_leaves(value)
    if isinstance(value, Mapping):
        return {str(key): mask_secrets(item, str(key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_secrets(item) for item in value]
    if isinstance(value, str) and _SECRET_VALUE.search(value):
        return MASK
    return value


def _mask_leaves(value: Any) -> Any:
    # A changed secret still shows as changed ([MASK, MASK]); its values never do.
    if isinstance(value, (list, tuple)):
        return [_mask_leaves(item) for item in value]
    return MASK if value not in (None, "") else value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` of `instance`, as the log shows them.

    Foreign keys by their text, many-to-many fields as sorted lists of text. Secret
    fields are left out entirely: record a dedicated action when one changes.
    """
    values: dict[str, Any] = {}
    for name in fields:
        if is_secret(name):
            continue
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(obj) for obj in getattr(instance, name).all())
        elif field.is_relation:
            related = getattr(instance, name)
            values[name] = str(related) if related is not None else None
        else:
            values[name] = field.value_from_object(instance)
    return values


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for the fields whose values differ (missing counts as None)."""
    result = {}
    for name in [*before, *(n for n in after if n not in before)]:
        old, new = before.get(name), after.get(name)
        if old != new:
            result[name] = [old, new]
    return mask_secrets(result)


def job_error_text(job: Job) -> str:
    if not (job.error_class or job.error_message):
        return ""
    text = f"{job.error_class}: {job.error_message}" if job.error_class else job.error_message
    return f"{text} ({job.error_code})" if job.error_code else text
