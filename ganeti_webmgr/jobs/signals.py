"""Signals of the jobs app, so other apps act on a job's end without jobs knowing them."""

from django.dispatch import Signal

# Sent by gwm-worker when a followed job has ended and its targets were refreshed,
# inside that transaction; sender=Job, job=the Job (status, opresult up to date).
job_finished = Signal()
