from __future__ import annotations

import socket
import time

import pytest

from ganeti_webmgr.ganeti import (
    RapiAuthenticationError,
    RapiBadRequest,
    RapiConfigError,
    RapiMalformedResponse,
    RapiNotFound,
    RapiPermissionDenied,
    RapiServerError,
    RapiTimeout,
    RapiUnreachable,
    Timeouts,
    TlsTrust,
)
from ganeti_webmgr.ganeti.client import RapiClient
from ganeti_webmgr.ganeti.transport import encode_query, parse_rapi_url

from .conftest import sim_client


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cluster.example.org:5080", ("cluster.example.org", 5080)),
        ("https://cluster.example.org", ("cluster.example.org", 5080)),
        ("cluster.example.org:1234", ("cluster.example.org", 1234)),
        ("https://[2001:db8::1]:5080/", ("2001:db8::1", 5080)),
    ],
)
def test_it_parses_rapi_urls(url, expected):
    assert parse_rapi_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://cluster:5080", "https"),
        ("https://cluster:5080/2/info", "host"),
        ("https://:5080", "no host"),
    ],
)
def test_it_rejects_bad_urls(url, message):
    with pytest.raises(RapiConfigError, match=message):
        parse_rapi_url(url)


def test_it_rejects_credentials_in_the_url_without_echoing_them():
    with pytest.raises(RapiConfigError) as info:
        RapiClient("https://admin:hunter2@cluster:5080")
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)


def test_it_needs_user_and_password_together():
    with pytest.raises(RapiConfigError, match="both"):
        RapiClient("https://cluster:5080", username="gwm")


def test_it_encodes_query_arguments_like_ganeti():
    query = [("bulk", True), ("dry-run", False), ("tag", "a b"), ("tag", "env:x"), ("skip", None)]
    assert encode_query(query) == "bulk=1&dry-run=0&tag=a%20b&tag=env%3Ax"
    with pytest.raises(TypeError):
        encode_query([("disks", [1, 2])])


def test_it_reuses_one_connection_for_many_requests(sim, client):
    for _ in range(10):
        client.version()
    assert len(sim.requests) == 10
    assert sim.connections == 1


def test_it_quotes_object_names_in_paths(sim, client):
    with pytest.raises(RapiNotFound):
        client.get_instance("a/b?c")
    assert sim.requests[-1].path == "/2/instances/a%2Fb%3Fc"


def test_it_maps_401_to_an_authentication_error(sim):
    with sim_client(sim, password="wrong") as c, pytest.raises(RapiAuthenticationError) as info:
        c.info()
    assert info.value.status == 401
    assert (info.value.method, info.value.path, info.value.cluster) == ("GET", "/2/info", "sim")


def test_without_credentials_it_reads_only_where_ganeti_allows_it(sim):
    with sim_client(sim, user=None, password=None) as c:
        with pytest.raises(RapiAuthenticationError):
            c.info()  # like Ganeti with --require-authentication
        sim.anonymous_access = "read"  # like Ganeti's default
        assert c.info().name
        with pytest.raises(RapiAuthenticationError):
            c.add_tags("cluster", ["x"])
    assert not sim.requests[-1].authorization


def test_it_maps_403_to_permission_denied(sim, ro_client):
    with pytest.raises(RapiPermissionDenied, match="read-only"):
        ro_client.add_tags("cluster", ["x"])
    assert sim.requests[-1].user == "gwm-ro"


def test_it_maps_404_to_not_found(client):
    with pytest.raises(RapiNotFound) as info:
        client.get_instance("nosuch.sim.test")
    assert info.value.status == 404


def test_it_maps_unknown_entity_500s_to_not_found_and_unescapes_ganeti_html(client):
    with pytest.raises(RapiNotFound) as info:
        client.get_tags("instance", "nosuch.sim.test")
    assert info.value.status == 500
    assert info.value.ganeti_code == "unknown_entity"
    assert info.value.message == "Instance name nosuch.sim.test not found"


def test_it_maps_400_and_501_to_bad_request(client):
    with pytest.raises(RapiBadRequest, match="doesn't support the parameter 'bogus'"):
        client.modify_instance("inst1.sim.test", bogus=1)
    with pytest.raises(RapiBadRequest, match="unsupported"):
        client.request("POST", "/2/info", body={})


def test_it_maps_5xx_to_server_error(sim, client):
    sim.inject("status", status=500, path="^/2/info$", message="luxi down")
    with pytest.raises(RapiServerError, match="luxi down") as info:
        client.info()
    assert info.value.status == 500


def test_it_retries_a_get_after_a_502(sim, client):
    sim.inject("status", status=502, path="^/2/info$", times=2)
    assert client.info().name == "cluster.sim.test"
    assert [r.status for r in sim.requests] == [502, 502, 200]


def test_it_gives_up_after_the_configured_retries(sim):
    sim.inject("status", status=504, path="^/2/info$")
    with sim_client(sim, retries=1) as c, pytest.raises(RapiServerError):
        c.info()
    assert len(sim.requests) == 2


def test_it_never_retries_a_write(sim, client):
    sim.inject("status", status=502, path="^/2/tags$", method="PUT", times=1)
    with pytest.raises(RapiServerError):
        client.add_tags("cluster", ["x"])
    assert [r.method for r in sim.requests] == ["PUT"]


def test_it_never_retries_a_write_whose_answer_is_lost(sim, client):
    sim.inject("drop", path="^/2/tags$", method="PUT", times=1)
    with pytest.raises(RapiUnreachable):
        client.add_tags("cluster", ["x"])
    assert len(sim.requests) == 1


def test_it_retries_a_get_whose_connection_dropped(sim, client):
    sim.inject("drop", path="^/2/info$", times=1)
    assert client.info().name
    assert len(sim.requests) == 2


def test_it_times_out_a_hanging_cluster(sim):
    sim.inject("hang", path="^/2/info$", seconds=2)
    timeouts = Timeouts(connect=1, read=0.3, total=5)
    with sim_client(sim, timeouts=timeouts, retries=0) as c:
        started = time.monotonic()
        with pytest.raises(RapiTimeout, match="timed out"):
            c.info()
        assert time.monotonic() - started < 1.5


def test_it_bounds_a_slow_drip_answer_by_the_total_deadline(sim):
    sim.inject("slow_body", path="^/2/info$", seconds=0.2, chunks=20)
    timeouts = Timeouts(connect=1, read=1, total=0.5)
    with sim_client(sim, timeouts=timeouts, retries=0) as c:
        started = time.monotonic()
        with pytest.raises(RapiTimeout, match="longer than allowed"):
            c.info()
        assert time.monotonic() - started < 1.5


def test_it_adds_latency_without_failing(sim, client):
    sim.inject("latency", path="^/version$", seconds=0.2)
    started = time.monotonic()
    assert client.version() == 2
    assert time.monotonic() - started >= 0.2


def test_it_reports_an_unreachable_cluster():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        c = RapiClient(
            f"https://127.0.0.1:{port}",
            trust=TlsTrust.pinned("0" * 64),
            timeouts=Timeouts(connect=1, read=1, total=3),
            backoff=0.01,
        )
        with pytest.raises(RapiUnreachable) as info:
            c.version()
    assert not isinstance(info.value, RapiTimeout)
    assert info.value.path == "/version"


def test_it_reports_malformed_json(sim, client):
    sim.inject("malformed_json", path="^/2/info$")
    with pytest.raises(RapiMalformedResponse, match="not valid JSON"):
        client.info()


def test_it_reports_an_unexpected_shape(sim, client):
    sim.inject("malformed_json", path="^/version$")
    with pytest.raises(RapiMalformedResponse):
        client.version()


def test_it_refuses_answers_larger_than_the_limit(sim):
    with sim_client(sim, max_response_bytes=1000) as c:
        assert c.version() == 2
        with pytest.raises(RapiMalformedResponse, match="exceeds the limit of 1000 bytes"):
            c.info()
        # The connection is usable again afterwards.
        assert c.version() == 2


def test_it_forced_401_and_403_faults_are_typed(sim, client):
    sim.inject("unauthorized", path="^/2/info$", times=1)
    with pytest.raises(RapiAuthenticationError):
        client.info()
    sim.inject("forbidden", path="^/2/info$", times=1)
    with pytest.raises(RapiPermissionDenied):
        client.info()
    assert client.info().name
