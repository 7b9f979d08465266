"""The schema and its readers: served from the package, under the site's CSP."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _scripts(html: str) -> list[str]:
    return re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_a_reader_loads_only_this_sites_files_and_no_inline_script(client, path):
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    scripts = _scripts(html)
    assert scripts and all(body.strip() == "" for _attrs, body in scripts)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_swagger_uis_start_script_is_served_by_its_view(client):
    html = client.get("/api/docs/").content.decode()
    start = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html).group(1)
    script = client.get(start.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_the_schema_covers_the_routes(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert text.startswith("openapi: 3")
    for route in ("/api/v1/vms/", "/api/v1/clusters/{slug}/vms/{name}/"):
        assert f"  {route}:" in text
