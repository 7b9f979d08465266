"""Send a recorded request to Ganeti: what gwm-worker calls for a Job in "submitting"."""

from __future__ import annotations

from ganeti_webmgr.actions.registry import ACTIONS
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.jobs.models import Job


def send(job: Job, client: RapiClient) -> int:
    """Submit job's request (its action, target name and params) with job.reason as
    Ganeti's reason; returns Ganeti's job id. Raises RapiError as the client does."""
    action = ACTIONS[job.action]
    return action.submit(client, job.target_name, job.params, reason=job.reason)
