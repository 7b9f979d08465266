"""403, 404, 405 and 500 answer with a page of the site: its bar and ways onwards."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

WAYS_ON = [b'href="/"', b'href="/clusters/"', b'href="/vms/"', b'href="/jobs/"']


def has_ways_on(content: bytes) -> bool:
    return all(link in content for link in WAYS_ON) and b"favicon.svg" in content


def test_404_is_a_page_with_navigation(client, bob):
    client.force_login(bob)
    response = client.get("/clusters/no-such-cluster/")
    assert response.status_code == 404
    assert b"Not found (404)" in response.content
    assert b"<code>/clusters/no-such-cluster/</code>" in response.content
    assert has_ways_on(response.content)
    assert b"Log out" in response.content  # the bar of a logged-in user


def test_403_says_what_was_refused(client, bob):
    client.force_login(bob)
    response = client.get("/clusters/add")
    assert response.status_code == 403
    assert b"Not allowed (403)" in response.content
    assert b"Only superusers add clusters." in response.content
    assert has_ways_on(response.content)


def test_405_names_the_allowed_methods(admin_client):
    response = admin_client.post("/")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert b"does not answer a POST request, only GET." in response.content
    assert has_ways_on(response.content)


def test_an_htmx_405_stays_bare(admin_client):
    response = admin_client.post("/", headers={"HX-Request": "true"})
    assert response.status_code == 405 and response.content == b""


@pytest.mark.urls("ganeti_webmgr.core.tests.error_urls")
def test_500_is_a_page_without_the_error(admin_user, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.get("/fails")
    assert response.status_code == 500
    assert b"Server error (500)" in response.content
    assert b"the test's failure" not in response.content
    assert has_ways_on(response.content)


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith(".svg")
    assert "favicon" in response.url
