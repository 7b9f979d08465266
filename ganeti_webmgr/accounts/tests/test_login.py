import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return User.objects.create_user("alice", "alice@example.org", "alice-password-1")


def test_it_shows_the_login_form(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_it_logs_in_and_redirects_to_next(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password-1", "next": "/"}
    )
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_it_rejects_a_wrong_password_with_a_message(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_it_will_not_redirect_to_another_site(client, alice):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "alice-password-1", "next": "https://evil.example/"},
    )
    assert response.url == "/"


def test_it_requires_csrf_tokens(alice):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "alice", "password": "alice-password-1"}
    )
    assert response.status_code == 403
