"""Ganeti Remote API (RAPI v2) client, free of Django.

Django code reaches Ganeti only through this package::

    from ganeti_webmgr.ganeti import RapiClient, TlsTrust

    client = RapiClient("https://cluster.example.org:5080", username="gwm",
                        password=secret, trust=TlsTrust.pinned(fingerprint))
    job_id = client.startup_instance("web1.example.org")
    client.wait_for_job(job_id)

See docs/developer/ganeti-client.rst.
"""

from __future__ import annotations

from .client import RapiClient, disk_change, evacuated_instances, nic_change
from .errors import (
    JobError,
    JobFailed,
    JobWaitTimeout,
    RapiAuthenticationError,
    RapiBadRequest,
    RapiCertificateMismatch,
    RapiConfigError,
    RapiError,
    RapiHTTPError,
    RapiMalformedResponse,
    RapiNotFound,
    RapiPermissionDenied,
    RapiServerError,
    RapiTimeout,
    RapiTLSError,
    RapiUnreachable,
)
from .models import ClusterInfo, ConsoleInfo, Instance, Job, JobChange, LogEntry, Node, OpError
from .tls import (
    TlsTrust,
    certificate_fingerprint,
    fetch_certificate_fingerprint,
    format_fingerprint,
    normalize_fingerprint,
)
from .transport import Timeouts

__all__ = [
    "ClusterInfo",
    "ConsoleInfo",
    "Instance",
    "Job",
    "JobChange",
    "JobError",
    "JobFailed",
    "JobWaitTimeout",
    "LogEntry",
    "Node",
    "OpError",
    "RapiAuthenticationError",
    "RapiBadRequest",
    "RapiCertificateMismatch",
    "RapiClient",
    "RapiConfigError",
    "RapiError",
    "RapiHTTPError",
    "RapiMalformedResponse",
    "RapiNotFound",
    "RapiPermissionDenied",
    "RapiServerError",
    "RapiTLSError",
    "RapiTimeout",
    "RapiUnreachable",
    "Timeouts",
    "TlsTrust",
    "certificate_fingerprint",
    "disk_change",
    "evacuated_instances",
    "fetch_certificate_fingerprint",
    "format_fingerprint",
    "nic_change",
    "normalize_fingerprint",
]
