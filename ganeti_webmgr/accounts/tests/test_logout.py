import pytest

pytestmark = pytest.mark.django_db


def test_it_logs_out_on_post(admin_client):
    response = admin_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert admin_client.get("/").status_code == 302


def test_it_rejects_get(admin_client):
    # A plain link (or an <img> on another site) must not log anyone out.
    assert admin_client.get("/accounts/logout/").status_code == 405
    assert admin_client.get("/").status_code == 200
