"""Typed errors of the RAPI client.

Every error carries the cluster label, the HTTP method and the path (without
query string) so a log line or a message shown to an administrator says which
cluster failed at what. None of them ever carries credentials: they are built
from the status, the server's JSON error body and the path only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Job


class RapiError(Exception):
    """Base class: something went wrong talking to a cluster's RAPI.

    ``maybe_sent`` is False only when the request certainly never reached Ganeti
    (connection refused, connect timeout, TLS failure): a write that failed so can
    be sent again; any other failure of a write may have started a job.
    """

    maybe_sent = True

    def __init__(self, message: str, *, cluster: str = "", method: str = "", path: str = ""):
        super().__init__(message)
        self.message = message
        self.cluster = cluster
        self.method = method
        self.path = path

    def __str__(self) -> str:
        where = " ".join(p for p in (self.method, self.path) if p)
        prefix = ": ".join(p for p in (self.cluster, where) if p)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, cluster={self.cluster!r}, "
            f"method={self.method!r}, path={self.path!r})"
        )


class RapiConfigError(RapiError, ValueError):
    """The client was configured wrongly (bad URL, bad fingerprint, ...)."""

    maybe_sent = False


class RapiUnreachable(RapiError):
    """No connection: refused, reset, DNS failure, network down."""


class RapiTimeout(RapiUnreachable):
    """Connect or read timeout, or the request's overall deadline passed."""


class RapiTLSError(RapiError):
    """The TLS handshake failed or the certificate could not be verified."""

    maybe_sent = False


class RapiCertificateMismatch(RapiTLSError):
    """The server's certificate does not match the pinned fingerprint.

    Raised right after the handshake, before any HTTP request (and so before
    any credentials) is sent.
    """


class RapiMalformedResponse(RapiError):
    """The body is not the JSON we expect, or is larger than allowed."""


class RapiHTTPError(RapiError):
    """Ganeti answered with an HTTP error status.

    ``status`` is the HTTP status, ``explain`` Ganeti's explanation, and
    ``ganeti_code`` the error code Ganeti put in some 500 messages (e.g.
    ``unknown_entity``), else ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        explain: str = "",
        ganeti_code: str | None = None,
        cluster: str = "",
        method: str = "",
        path: str = "",
    ):
        super().__init__(message, cluster=cluster, method=method, path=path)
        self.status = status
        self.explain = explain
        self.ganeti_code = ganeti_code

    def __str__(self) -> str:
        return f"{super().__str__()} (HTTP {self.status})"


class RapiBadRequest(RapiHTTPError):
    """HTTP 400/405/501: Ganeti rejected the request itself."""


class RapiAuthenticationError(RapiHTTPError):
    """HTTP 401: wrong or missing user name/password."""


class RapiPermissionDenied(RapiHTTPError):
    """HTTP 403: the RAPI user has no write access (read-only user)."""


class RapiNotFound(RapiHTTPError):
    """HTTP 404, or a 500 whose Ganeti error code is ``unknown_entity``."""


class RapiServerError(RapiHTTPError):
    """HTTP 5xx: Ganeti (or its master daemon) is unavailable or failed."""


class JobError(RapiError):
    """Base class of errors about a Ganeti job."""

    def __init__(self, message: str, *, job_id: int, **where: Any):
        super().__init__(message, **where)
        self.job_id = job_id


class JobFailed(JobError):
    """A job ended in status ``error`` or ``canceled``.

    ``error_class`` (e.g. ``OpPrereqError``), ``error_message`` and
    ``error_code`` (e.g. ``wrong_input``, ``resolver_error``) come from the
    first failed opcode's ``opresult``; ``job`` is the full :class:`Job`.
    """

    def __init__(
        self,
        job: Job,
        *,
        cluster: str = "",
        method: str = "GET",
        path: str = "",
    ):
        err = job.error
        self.job = job
        self.status = job.status
        self.error_class = err.error_class if err else None
        self.error_message = err.message if err else ""
        self.error_code = err.code if err else None
        if job.status == "canceled":
            text = f"job {job.id} was canceled"
        elif err:
            code = f" [{err.code}]" if err.code else ""
            text = f"job {job.id} failed: {err.error_class}: {err.message}{code}"
        else:
            text = f"job {job.id} ended with status {job.status}"
        super().__init__(
            text, job_id=job.id, cluster=cluster, method=method, path=path or f"/2/jobs/{job.id}"
        )


class JobWaitTimeout(JobError, RapiTimeout):
    """The job did not finish within the time the caller was ready to wait."""
