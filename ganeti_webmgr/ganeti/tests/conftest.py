"""Fixtures of the RAPI client tests: simulators, clients, and the real sandbox.

Tests marked ``ganeti`` talk to the cluster ``bin/ganeti-sandbox up`` starts
(they read its env file, ``$GANETI_SANDBOX_ENV`` or
``/var/tmp/ganeti-sandbox/rapi.env``). When it is absent they FAIL with a
message saying so; they are never skipped.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ganeti_webmgr.ganeti import RapiClient, Timeouts, TlsTrust
from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster

from .helpers import SANDBOX_ENV, read_sandbox_env

FAST = Timeouts(connect=2.0, read=5.0, total=15.0)


def pytest_configure(config: pytest.Config) -> None:
    # Also registered in pyproject.toml; repeated so this directory runs alone.
    config.addinivalue_line(
        "markers", "ganeti: needs the real Ganeti sandbox (bin/ganeti-sandbox up)"
    )


def sim_client(
    sim: RapiSimulator,
    user: str = "gwm",
    password: str = "gwm-secret",  # noqa: S107 -- the simulator's test user
    **kwargs: Any,
) -> RapiClient:
    kwargs.setdefault("trust", TlsTrust.pinned(sim.fingerprint))
    kwargs.setdefault("timeouts", FAST)
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("name", "sim")
    return RapiClient(sim.url, username=user, password=password, **kwargs)


@pytest.fixture
def sim() -> Iterator[RapiSimulator]:
    """A small two-node cluster; /wait answers "unchanged" after 1 s."""
    with RapiSimulator(SimCluster.generate(nodes=2, instances=4), wait_timeout=1.0) as s:
        yield s


@pytest.fixture
def client(sim: RapiSimulator) -> Iterator[RapiClient]:
    with sim_client(sim) as c:
        yield c


@pytest.fixture
def ro_client(sim: RapiSimulator) -> Iterator[RapiClient]:
    with sim_client(sim, "gwm-ro", "gwm-ro-secret") as c:
        yield c


@dataclass
class Backend:
    """A RAPI endpoint the contract tests run against: simulator or sandbox."""

    kind: str
    url: str
    fingerprint: str
    ca_file: str
    user: str
    password: str
    ro_user: str
    ro_password: str
    node: str
    os: str
    sim: RapiSimulator | None = None
    _clients: list[RapiClient] = field(default_factory=list)

    def client(
        self, user: str | None = None, password: str | None = None, **kwargs: Any
    ) -> RapiClient:
        kwargs.setdefault("trust", TlsTrust.pinned(self.fingerprint))
        kwargs.setdefault("timeouts", Timeouts(connect=3.0, read=30.0, total=60.0))
        kwargs.setdefault("name", self.kind)
        c = RapiClient(
            self.url, username=user or self.user, password=password or self.password, **kwargs
        )
        self._clients.append(c)
        return c

    def ro_client(self, **kwargs: Any) -> RapiClient:
        return self.client(self.ro_user, self.ro_password, **kwargs)

    def unique_name(self, stem: str) -> str:
        return f"gwmt-{stem}-{secrets.token_hex(3)}.ganeti.test"

    def close(self) -> None:
        for c in self._clients:
            c.close()


class _MissingSandbox:
    """Stands in for the sandbox when it is down: any use fails the test."""

    kind = "sandbox"

    def __init__(self, reason: str):
        self._reason = reason

    def __getattr__(self, name: str) -> Any:
        pytest.fail(
            f"the Ganeti sandbox is not up ({self._reason}); run `bin/ganeti-sandbox up` as root "
            "first (make test-ganeti does)",
            pytrace=False,
        )


def sandbox_backend() -> Backend | _MissingSandbox:
    try:
        env = read_sandbox_env()
    except OSError as exc:
        return _MissingSandbox(f"cannot read {SANDBOX_ENV}: {exc.strerror}")
    try:
        return Backend(
            kind="sandbox",
            url=env["GANETI_RAPI_URL"],
            fingerprint=env["GANETI_RAPI_CERT_SHA256"],
            ca_file=env["GANETI_RAPI_CACERT"],
            user=env["GANETI_RAPI_USER"],
            password=env["GANETI_RAPI_PASSWORD"],
            ro_user=env["GANETI_RAPI_RO_USER"],
            ro_password=env["GANETI_RAPI_RO_PASSWORD"],
            node=env["GANETI_NODE_NAME"],
            os=env.get("GANETI_OS", "noop+default"),
        )
    except KeyError as exc:
        return _MissingSandbox(f"{SANDBOX_ENV} lacks {exc}")


@pytest.fixture
def sandbox() -> Iterator[Backend | _MissingSandbox]:
    backend = sandbox_backend()
    yield backend
    if isinstance(backend, Backend):
        backend.close()


@pytest.fixture(params=["simulator", pytest.param("sandbox", marks=pytest.mark.ganeti)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend | _MissingSandbox]:
    """The same assertions against the simulator (default run) and the real sandbox."""
    if request.param == "sandbox":
        yield request.getfixturevalue("sandbox")
        return
    cluster = SimCluster.like_sandbox()
    with RapiSimulator(cluster, op_duration=0.005) as s:
        b = Backend(
            kind="simulator",
            url=s.url,
            fingerprint=s.fingerprint,
            ca_file=s.ca_file,
            user="gwm",
            password="gwm-secret",
            ro_user="gwm-ro",
            ro_password="gwm-ro-secret",
            node="node1.ganeti.test",
            os="noop+default",
            sim=s,
        )
        yield b
        b.close()
