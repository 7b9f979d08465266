import pytest

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_it_shows_the_dashboard(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 200
    assert b"<h1>Dashboard</h1>" in response.content
    assert b"Log out" in response.content


def test_it_rejects_post(admin_client):
    assert admin_client.post("/").status_code == 405
