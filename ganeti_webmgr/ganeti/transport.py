"""HTTPS transport to one cluster's RAPI: pooling, timeouts, retries, limits.

One :class:`Transport` per cluster holds one urllib3 connection pool, so
connections (and their TLS handshakes) are reused where the server keeps them
open. Ganeti's own RAPI daemon answers ``Connection: close`` to every request
(its HTTP server has no keep-alive), so against it the pool saves building the
SSL context, not the handshake.

Ganeti must never be able to take GWM down, so every request has a connect
timeout, a read timeout, an overall deadline and a cap on the body size.
Only GETs are retried (with exponential backoff): a write is sent at most once.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import parse_url

from . import errors
from .tls import TlsTrust, format_fingerprint

logger = logging.getLogger("ganeti_webmgr.ganeti")

DEFAULT_PORT = 5080
USER_AGENT = "ganeti-webmgr-rapi"

#: statuses worth another try on a GET: Ganeti's "can't reach the master daemon"
#: (502) and "timeout talking to the master daemon" (504).
RETRY_STATUSES = frozenset({502, 504})

_NO_BODY = object()
_HANDSHAKE_FAILURE = re.compile(
    r"certificate|handshake|WRONG_VERSION_NUMBER|unknown protocol|alert|hostname", re.I
)
_GANETI_CODE = re.compile(r"""^\(['"](?P<msg>.*)['"], ['"](?P<code>[a-z_]+)['"]\)$""", re.S)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``total`` bounds one call including retries and slow bodies."""

    connect: float = 5.0
    read: float = 30.0
    total: float = 90.0


def parse_rapi_url(url: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """``https://host[:port]`` (or a bare host) -> (host, port)."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parsed = parse_url(text)
    except ValueError:
        raise errors.RapiConfigError("the RAPI URL is not a valid URL") from None
    if parsed.auth:
        # Never echo the URL back: it contains a password.
        raise errors.RapiConfigError(
            "the RAPI URL must not contain credentials; pass username and password separately"
        )
    if parsed.scheme != "https":
        raise errors.RapiConfigError("the RAPI URL must use https://")
    if not parsed.host:
        raise errors.RapiConfigError("the RAPI URL has no host")
    if parsed.path not in (None, "", "/") or parsed.query or parsed.fragment:
        raise errors.RapiConfigError("the RAPI URL must be https://host[:port] only")
    return parsed.host.strip("[]"), parsed.port or default_port


def encode_query(query: list[tuple[str, Any]] | None) -> str:
    """Encode like Ganeti's own client: booleans as 1/0, ``None`` left out."""
    pairs = []
    for name, value in query or []:
        if value is None:
            continue
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, (list, tuple, dict)):
            raise TypeError(f"query parameter {name!r} must be a scalar")
        pairs.append((name, str(value)))
    return urlencode(pairs, quote_via=quote)


def quote_name(name: str) -> str:
    """One path segment (instance, node, group name) safely quoted."""
    if not name or not isinstance(name, str):
        raise errors.RapiConfigError("an object name must be a non-empty string")
    return quote(name, safe="")


class Transport:
    """Send requests to one RAPI endpoint and decode the JSON answers."""

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        trust: TlsTrust | None = None,
        cluster: str | None = None,
        timeouts: Timeouts | None = None,
        retries: int = 2,
        backoff: float = 0.2,
        max_response_bytes: int = 256 * 1024 * 1024,
        max_connections: int = 4,
    ):
        self.host, self.port = parse_rapi_url(url)
        self.url = f"https://{self.host if ':' not in self.host else f'[{self.host}]'}:{self.port}"
        self.cluster = cluster or f"{self.host}:{self.port}"
        self.username = username
        self.trust = trust or TlsTrust.system()
        self.timeouts = timeouts or Timeouts()
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_response_bytes = max_response_bytes
        if (username is None) != (password is None):
            raise errors.RapiConfigError(
                "give both a user name and a password, or neither", cluster=self.cluster
            )
        # Kept private and masked in reprs (tracebacks with locals, debug
        # pages, error reporters); see test_secrets.py.
        self.__headers = _MaskedHeaders({"Accept": "application/json", "User-Agent": USER_AGENT})
        if username is not None and password is not None:
            self.__headers["Authorization"] = "Basic " + base64.b64encode(
                f"{username}:{password}".encode()
            ).decode("ascii")
        self._pool = urllib3.HTTPSConnectionPool(
            self.host,
            self.port,
            maxsize=max_connections,
            block=False,
            retries=False,
            timeout=urllib3.Timeout(connect=self.timeouts.connect, read=self.timeouts.read),
            **self.trust.pool_kwargs(),
        )

    def __repr__(self) -> str:
        return f"<Transport {self.url} user={self.username!r} trust={self.trust.describe()}>"

    def close(self) -> None:
        self._pool.close()

    # -- requests ---------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, Any]] | None = None,
        body: Any = _NO_BODY,
        read_timeout: float | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON (``None`` for ``null``).

        Raises a :class:`~ganeti_webmgr.ganeti.errors.RapiError` subclass.
        """
        method = method.upper()
        qs = encode_query(query)
        target = f"{path}?{qs}" if qs else path
        where = {"cluster": self.cluster, "method": method, "path": path}
        headers = _MaskedHeaders(self.__headers)
        payload = None
        if body is not _NO_BODY:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        timeout = urllib3.Timeout(
            connect=self.timeouts.connect, read=read_timeout or self.timeouts.read
        )
        deadline = time.monotonic() + max(self.timeouts.total, read_timeout or 0)
        attempts = 1 + (self.retries if method == "GET" else 0)
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                status, data = self._send(
                    method, target, payload, headers, timeout, deadline, where
                )
            except (errors.RapiTimeout, errors.RapiUnreachable) as exc:
                if attempt < attempts and self._pause(attempt, deadline):
                    logger.info("RAPI %s: retrying after %s", self.cluster, exc.message)
                    continue
                raise
            logger.debug(
                "RAPI %s %s %s -> %s in %.3fs",
                self.cluster,
                method,
                path,
                status,
                time.monotonic() - started,
            )
            if status in RETRY_STATUSES and attempt < attempts and self._pause(attempt, deadline):
                logger.info("RAPI %s: retrying after HTTP %s", self.cluster, status)
                continue
            if status != 200:
                raise self._http_error(status, data, where)
            return self._decode(data, where)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int, deadline: float) -> bool:
        delay = min(self.backoff * (2 ** (attempt - 1)), 5.0)
        if time.monotonic() + delay >= deadline:
            return False
        time.sleep(delay)
        return True

    def _send(
        self,
        method: str,
        target: str,
        payload: bytes | None,
        headers: _MaskedHeaders,
        timeout: urllib3.Timeout,
        deadline: float,
        where: dict[str, str],
    ) -> tuple[int, bytes]:
        try:
            response = self._pool.urlopen(
                method,
                target,
                body=payload,
                headers=headers,
                timeout=timeout,
                retries=False,
                redirect=False,
                preload_content=False,
                decode_content=False,
                assert_same_host=False,
            )
        except HTTPError as exc:
            raise self._transport_error(exc, where) from None
        try:
            return response.status, self._read_bounded(response, deadline, where)
        finally:
            response.release_conn()

    def _read_bounded(self, response: Any, deadline: float, where: dict[str, str]) -> bytes:
        limit = self.max_response_bytes
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > limit:
            response.close()
            raise errors.RapiMalformedResponse(
                f"response of {int(length)} bytes exceeds the limit of {limit} bytes", **where
            )
        chunks, size = [], 0
        try:
            while True:
                # read1: whatever has arrived (read(n) would wait for n bytes,
                # letting a slow drip outlast the deadline).
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    response.close()
                    raise errors.RapiMalformedResponse(
                        f"response exceeds the limit of {limit} bytes", **where
                    )
                if time.monotonic() > deadline:
                    response.close()
                    raise errors.RapiTimeout("the response took longer than allowed", **where)
                chunks.append(chunk)
        except HTTPError as exc:
            response.close()
            raise self._transport_error(exc, where) from None
        return b"".join(chunks)

    def _transport_error(self, exc: Exception, where: dict[str, str]) -> errors.RapiError:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(exc, SSLError) or isinstance(reason, SSLError):
            text = str(reason)
            if "Fingerprints did not match" in text:
                # The pin failed after the handshake; no request was sent.
                got = re.search(r'got "?([0-9a-fA-F]{64})\b', text)
                # In the form the pages and `openssl x509 -fingerprint` show.
                seen = f" (the server presented {format_fingerprint(got.group(1))})" if got else ""
                return errors.RapiCertificateMismatch(
                    f"the certificate does not match the pinned fingerprint{seen}", **where
                )
            error = errors.RapiTLSError(f"TLS failure: {_short(text)}", **where)
            # An EOF or reset while reading the answer also surfaces as an SSL error,
            # after the request went out; only a failed handshake proves nothing was sent.
            error.maybe_sent = not _HANDSHAKE_FAILURE.search(text)
            return error
        # NewConnectionError subclasses ConnectTimeoutError: test it first.
        if isinstance(exc, NewConnectionError) or isinstance(reason, NewConnectionError):
            error = errors.RapiUnreachable(f"connection failed: {_short(str(reason))}", **where)
            error.maybe_sent = False  # refused, or no route: nothing was sent
            return error
        if isinstance(exc, ProtocolError):  # reset or closed after the request went out
            return errors.RapiUnreachable(f"connection failed: {_short(str(reason))}", **where)
        if isinstance(exc, ConnectTimeoutError) or isinstance(reason, ConnectTimeoutError):
            error = errors.RapiTimeout("timed out connecting", **where)
            error.maybe_sent = False
            return error
        if isinstance(exc, ReadTimeoutError) or isinstance(
            reason, (ReadTimeoutError, TimeoutError)
        ):
            return errors.RapiTimeout("timed out waiting for the answer", **where)
        return errors.RapiUnreachable(f"request failed: {_short(str(exc))}", **where)

    @staticmethod
    def _http_error(status: int, data: bytes, where: dict[str, str]) -> errors.RapiHTTPError:
        message, explain = f"HTTP {status}", ""
        try:
            body = json.loads(data)
        except ValueError:
            body = None
        if isinstance(body, dict):
            # Ganeti HTML-escapes its messages (' -> &#x27;).
            message = html.unescape(str(body.get("message") or message))
            explain = html.unescape(str(body.get("explain") or ""))
        code = None
        match = _GANETI_CODE.match(message)
        if match:
            message, code = match.group("msg"), match.group("code")
        kwargs: dict[str, Any] = {
            "status": status,
            "explain": explain,
            "ganeti_code": code,
            **where,
        }
        if status == 401:
            return errors.RapiAuthenticationError(f"bad credentials: {message}", **kwargs)
        if status == 403:
            return errors.RapiPermissionDenied(
                f"permission denied (read-only RAPI user?): {message}", **kwargs
            )
        if status == 404 or code == "unknown_entity":
            return errors.RapiNotFound(message, **kwargs)
        if status in (400, 405, 501):
            return errors.RapiBadRequest(message, **kwargs)
        if status >= 500:
            return errors.RapiServerError(f"Ganeti unavailable or failed: {message}", **kwargs)
        return errors.RapiHTTPError(f"unexpected answer: {message}", **kwargs)

    @staticmethod
    def _decode(data: bytes, where: dict[str, str]) -> Any:
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise errors.RapiMalformedResponse(
                f"the answer is not valid JSON ({len(data)} bytes)", **where
            ) from None


class _MaskedHeaders(dict):
    """Request headers whose repr hides the Authorization value."""

    def __repr__(self) -> str:
        return repr({k: ("***" if k.lower() == "authorization" else v) for k, v in self.items()})

    __str__ = __repr__


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
