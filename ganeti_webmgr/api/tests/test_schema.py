"""The API against its own OpenAPI schema (schemathesis, in-process over WSGI): for a
superuser, a user granted power on one VM and a user without grants, no call answers
500, and every answer (status, content type, body, headers) is one the schema
describes. And the schema itself is generated without a warning."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.core import NOT_SET

pytestmark = pytest.mark.django_db

ROLES = ("superuser", "vm_power", "plain")  # people: all, one VM's power, nothing
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
EXAMPLES = 15  # per operation, each made by the three roles: about half a minute on SQLite


@pytest.fixture
def wsgi_app(settings):
    """Django's WSGI application inside the test's transaction: as Django's test client
    does, a request's start and end must not close the test's database connection."""
    settings.ALLOWED_HOSTS = ["*"]
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, db):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


@pytest.fixture
def tokens(people, api):
    return [api(people[role]).secret for role in ROLES]


def _generated():
    """The schema as /api/schema/ serves it, made at collection (no request, no
    database); its calls go to Django's WSGI application (wsgi_app prepares it)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    text = OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    loaded = schemathesis.openapi.from_dict(json.loads(text))
    loaded.app = WSGIHandler()
    return loaded


schema = _generated()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_answer_is_one_the_schema_describes(case, wsgi_app, tokens):
    for token in tokens:  # each generated call, made by each role
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


# Objects of the people world, so that the calls below find what they name: the
# value of a path parameter, unless the operation's path names another.
KNOWN = {"slug": "a", "name": "a1", "username": "vm_power", "id": 1, "action": "start"}
KNOWN_IN = {
    "/api/v1/groups/{name}/": {"name": "team"},
    "/api/v1/clusters/{slug}/nodes/{name}/": {"name": "n1"},
    "/api/v1/clusters/{slug}/nodes/{name}/actions/": {"name": "n1"},
    "/api/v1/clusters/{slug}/nodes/{name}/actions/{action}/": {"name": "n1", "action": "migrate"},
    "/api/v1/clusters/{slug}/actions/{action}/": {"action": "redistribute"},
}


@pytest.mark.parametrize("role", ROLES)
def test_answers_about_real_objects_are_as_described(api_schema, people, api, role):
    """Every operation once with names that exist (random ones mostly find nothing)."""
    token = api(people[role]).secret
    called, failed = 0, []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        known = {**KNOWN, **KNOWN_IN.get(operation.path, {})}
        params = {param.name: known[param.name] for param in operation.path_parameters}
        # A body where one is taken: the console's; other operations refuse it (400).
        body = {"kind": "vnc"} if len(operation.body) else NOT_SET
        media = "application/json" if len(operation.body) else None
        query = {"timeout": 0} if operation.path.endswith("/wait/") else None  # at once
        case = operation.Case(path_parameters=params, query=query, body=body, media_type=media)
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
        except AssertionError as failure:  # every operation's, not just the first's
            failed.append(f"{operation.label}: {failure}")
        called += 1
    assert failed == []
    assert called >= 17


def test_the_schema_is_generated_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache | GENERATOR_STATS._error_cache)
    assert "/api/v1/log/" in generated["paths"]
