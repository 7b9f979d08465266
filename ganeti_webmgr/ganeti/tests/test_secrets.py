"""Credentials never show in reprs, exception texts, tracebacks or logs."""

from __future__ import annotations

import logging
import traceback

import pytest

from ganeti_webmgr.ganeti import JobFailed, RapiError, Timeouts, TlsTrust
from ganeti_webmgr.ganeti.simulator import RapiSimulator

from .conftest import sim_client

PASSWORD = "S3cr3t-pa55word"
TOKEN = "Z3dtOlMzY3IzdC1wYTU1d29yZA"  # base64 of gwm:PASSWORD, as sent on the wire


def _leaks(text: str) -> bool:
    return PASSWORD in text or TOKEN in text


@pytest.fixture
def secret_sim():
    with RapiSimulator(
        users={"gwm": (PASSWORD, "write"), "ro": (PASSWORD, "read")}, wait_timeout=1.0
    ) as s:
        yield s


def _errors(sim: RapiSimulator) -> list[RapiError]:
    """One of each error type, raised by clients holding the password."""
    caught: list[RapiError] = []

    def catch(fn):
        try:
            fn()
        except RapiError as exc:
            caught.append(exc)
        else:
            pytest.fail(f"{fn} did not fail")

    c = sim_client(sim, "gwm", PASSWORD, retries=0)
    ro = sim_client(sim, "ro", PASSWORD)
    catch(lambda: sim_client(sim, "gwm", PASSWORD + "x").info())  # 401
    catch(lambda: ro.add_tags("cluster", ["x"]))  # 403
    catch(lambda: c.get_instance("nosuch"))  # 404
    catch(lambda: sim_client(sim, "gwm", PASSWORD, trust=TlsTrust.pinned("0" * 64)).info())
    catch(lambda: sim_client(sim, "gwm", PASSWORD, trust=TlsTrust.system()).info())
    sim.inject("malformed_json", path="^/2/info$", times=1)
    catch(c.info)
    sim.inject("status", status=503, path="^/2/info$", times=1)
    catch(c.info)
    sim.inject("hang", path="^/2/info$", seconds=1, times=1)
    catch(
        sim_client(
            sim, "gwm", PASSWORD, retries=0, timeouts=Timeouts(connect=1, read=0.2, total=2)
        ).info
    )
    sim.inject("drop", path="^/2/info$", times=1)
    catch(c.info)
    sim.queue.fail_next("refused", code="wrong_input")
    catch(lambda: c.wait_for_job(c.add_tags("cluster", ["x"])))
    return caught


def test_it_never_shows_the_password_in_reprs(secret_sim):
    c = sim_client(secret_sim, "gwm", PASSWORD)
    for text in (repr(c), str(c), repr(c._transport), repr(vars(c._transport))):
        assert not _leaks(text), text
    assert "gwm" in repr(c)


def test_it_never_shows_the_password_in_errors_or_tracebacks(secret_sim):
    caught = _errors(secret_sim)
    assert {type(e).__name__ for e in caught} >= {
        "RapiAuthenticationError",
        "RapiPermissionDenied",
        "RapiNotFound",
        "RapiCertificateMismatch",
        "RapiTLSError",
        "RapiMalformedResponse",
        "RapiServerError",
        "RapiTimeout",
        "RapiUnreachable",
        "JobFailed",
    }
    for exc in caught:
        texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc)), repr(vars(exc))]
        if isinstance(exc, JobFailed):
            texts.append(repr(exc.job))
        for text in texts:
            assert not _leaks(text), (type(exc).__name__, text)


def test_it_never_logs_the_password(secret_sim, caplog):
    caplog.set_level(logging.DEBUG)
    c = sim_client(secret_sim, "gwm", PASSWORD)
    c.info()
    _errors(secret_sim)
    assert any("ganeti_webmgr.ganeti" in r.name for r in caplog.records)
    assert not _leaks(caplog.text)
    # urllib3's own debug logging is captured too and holds no credentials.
    assert any(r.name.startswith("urllib3") for r in caplog.records)
