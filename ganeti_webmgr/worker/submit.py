"""Hand a recorded request (a Job in status "submitting") to Ganeti, never twice.

The rules (docs/worker.rst tells the operator what each ending means):

* sent_at is set, by a conditional UPDATE that also checks our claim, BEFORE the
  request goes out; a request with sent_at set is never sent again, whoever
  claims it next (this worker later, or another after this one died);
* a failure that proves nothing reached Ganeti (refused, connect timeout, TLS
  handshake) clears sent_at again: the request is retried, backing off, until
  its submit_deadline, then ends "not started";
* Ganeti's answer with an error (HTTP 4xx/5xx), or the action's own NotSubmitted,
  ends it "not started" at once;
* any other failure (no answer after sending) is ambiguous: the request is looked
  for in Ganeti's queue by its reason, adopted if found, and ends "not started"
  at the deadline if Ganeti never shows it, with words that say GWM did not
  resend it and the operator should check.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.actions import submission
from ganeti_webmgr.actions.base import NotSubmitted
from ganeti_webmgr.core.db import atomic_with_retry
from ganeti_webmgr.core.logs import shorten
from ganeti_webmgr.ganeti import RapiClient, RapiError, RapiHTTPError, Timeouts
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.signals import job_finished
from ganeti_webmgr.worker import claims

logger = logging.getLogger("ganeti_webmgr.worker")

# A submission waits briefly: Ganeti answers a write once the job is queued.
SUBMIT_TIMEOUTS = Timeouts(connect=3, read=10, total=15)
MAX_RETRY_DELAY = 15  # seconds between attempts, at most
ERROR_LIMIT = 2000  # characters of an error kept on the job


def submit(worker: str, job: Job, client: RapiClient) -> bool:
    """One attempt at job (claimed by worker). True: Ganeti's job id is now recorded
    on job and it is to be followed; False: it ended, or waits for a later attempt
    (released, with next_follow_at set)."""
    if job.sent_at is not None:
        return _look_for(worker, job, client)
    now = timezone.now()
    if job.submit_deadline and now >= job.submit_deadline:
        if job.submit_attempts:
            _end(worker, job, _unanswered(job))
        else:
            _end(
                worker,
                job,
                f"GWM did not send this request to Ganeti at {job.cluster.hostname} within "
                f"{_window(job)} (was gwm-worker running?): nothing was started.",
            )
        return False
    marked = Job.objects.filter(
        pk=job.pk,
        follow_claimed_by=worker,
        status=Job.Status.SUBMITTING,
        job_id__isnull=True,
        sent_at__isnull=True,
    ).update(sent_at=now, submit_attempts=F("submit_attempts") + 1)
    if not marked:  # another worker has it now, or it was sent meanwhile
        return False
    job.sent_at, job.submit_attempts = now, job.submit_attempts + 1
    try:
        job_id = submission.send(job, client)
    except NotSubmitted as refusal:
        _end(worker, job, str(refusal))
        return False
    except RapiHTTPError as error:
        _end(worker, job, f"Ganeti refused: {error.message}")
        return False
    except RapiError as error:
        _later(worker, job, error, sent=error.maybe_sent)
        return False
    except Exception as error:  # a bug, after sent_at: it may have gone out
        logger.exception("%s: unexpected error while submitting", _name(job))
        _later(worker, job, error, sent=True)
        return False
    return adopt(job, job_id)


def adopt(job: Job, job_id: int) -> bool:
    """Record Ganeti's job id; whoever holds the claim, an id is never dropped."""
    now = timezone.now()
    fields = {
        "job_id": job_id,
        "status": Job.Status.QUEUED,
        "finished": False,
        "finished_at": None,
        "error_class": "",
        "error_message": "",
        "error_code": "",
        "follow_errors": 0,
        "failing_since": None,
        "last_error": "",
        "next_follow_at": now,
    }
    if not Job.objects.filter(pk=job.pk, job_id__isnull=True).update(**fields):
        return False  # recorded already (by a worker that found it by its reason)
    for name, value in fields.items():
        setattr(job, name, value)
    logger.info("%s: submitted as Ganeti job %s", _name(job), job_id)
    return True


def _look_for(worker: str, job: Job, client: RapiClient) -> bool:
    """The request went out and no answer came: is it in Ganeti's queue?"""
    try:
        found = client.find_jobs_by_reason(job.reason)
    except RapiError as error:
        if _past_deadline(job):
            _end(worker, job, _unconfirmed(job, f" (asking Ganeti failed: {error.message})"))
            return False
        _later(worker, job, error, sent=True)
        return False
    if found:
        logger.info("%s: found in Ganeti's queue by its reason", _name(job))
        return adopt(job, min(found))
    if _past_deadline(job):
        _end(worker, job, _unconfirmed(job, ""))
        return False
    _later(worker, job, "sent, but not (yet) in Ganeti's job list", sent=True)
    return False


def _later(worker: str, job: Job, error, *, sent: bool) -> None:
    failures = job.follow_errors + 1
    delay = min(2 ** (failures - 1), MAX_RETRY_DELAY)
    now = timezone.now()
    fields = {
        "follow_errors": failures,
        "failing_since": job.failing_since or now,
        "last_error": shorten(str(error), ERROR_LIMIT),
        "next_follow_at": now + timedelta(seconds=delay),
    }
    if not sent:
        fields["sent_at"] = None  # it never reached Ganeti: the next attempt may send it
    if job.submit_deadline:
        # The deadline must be looked at when it comes, not a back-off later.
        fields["next_follow_at"] = min(fields["next_follow_at"], job.submit_deadline)
    what = "will look for it in Ganeti's queue" if sent else "will try again"
    logger.warning("%s: not submitted (%s); %s", _name(job), shorten(str(error), 300), what)
    claims.release_job(worker, job.pk, **fields)


def _end(worker: str, job: Job, message: str) -> None:
    """Final: Ganeti never took the request (as far as GWM can tell)."""
    now = timezone.now()
    job.status, job.finished, job.finished_at = Job.Status.NOT_STARTED, True, now
    job.error_class, job.error_code = "", ""
    job.error_message = shorten(message, ERROR_LIMIT * 5)

    def write() -> bool:
        ended = Job.objects.filter(pk=job.pk, job_id__isnull=True, finished=False).update(
            status=job.status,
            finished=True,
            finished_at=now,
            error_class="",
            error_code="",
            error_message=job.error_message,
            follow_claimed_by="",
            follow_claimed_until=None,
        )
        if ended:
            audit.job_finished(job)
        return bool(ended)

    if atomic_with_retry(write):
        logger.info("%s: not started: %s", _name(job), shorten(message, 300))
        job_finished.send(sender=Job, job=job)
    else:
        claims.release_job(worker, job.pk)


def _past_deadline(job: Job) -> bool:
    return job.submit_deadline is not None and timezone.now() >= job.submit_deadline


def _window(job: Job) -> str:
    if not job.submit_deadline:
        return "the time allowed"
    seconds = round((job.submit_deadline - job.created_at).total_seconds())
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} seconds"


def _unanswered(job: Job) -> str:
    return (
        f"Ganeti at {job.cluster.hostname} did not answer for {_window(job)}: nothing was started."
    )


def _unconfirmed(job: Job, detail: str) -> str:
    return (
        f"Ganeti at {job.cluster.hostname} did not confirm this request{detail}, and it "
        f"was not found in Ganeti's job list within {_window(job)}. GWM did not send it "
        "again. Check Ganeti's job list (gnt-job list) to see whether it ran before "
        "asking again."
    )


def _name(job: Job) -> str:
    return f"{job.cluster} request {job.pk} ({job.action})"
