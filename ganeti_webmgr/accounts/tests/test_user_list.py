"""/accounts/users/: superusers only."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/users/"


def test_it_redirects_anonymous_visitors(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_it_is_forbidden_to_plain_users(login, bob):
    assert login(bob).get(URL).status_code == 403


def test_it_rejects_post(login, alice):
    assert login(alice).post(URL).status_code == 405


def test_it_lists_users_with_groups_keys_and_status(login, alice, bob, ops):
    User.objects.create_user("zed", is_active=False)
    response = login(alice).get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/accounts/users/bob/"' in content
    assert "ops" in content and "inactive" in content and "superuser" in content


def test_it_searches(login, alice, bob, charlie):
    response = login(alice).get(URL, {"q": "CHARL"})
    assert [u.username for u in response.context["page"].object_list] == ["charlie"]


def test_its_query_count_does_not_grow_with_the_users(
    login, alice, ops, django_assert_max_num_queries
):
    client = login(alice)
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for n in range(30):
        User.objects.create_user(f"user{n}").groups.add(ops)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 33
