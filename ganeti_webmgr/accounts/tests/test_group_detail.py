"""/accounts/groups/<name>/: members, administrators and superusers; others 404."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/ops/"


def test_it_redirects_anonymous_visitors(client, ops):
    assert client.get(URL).status_code == 302


def test_outsiders_do_not_learn_it_exists(login, charlie, ops):
    assert login(charlie).get(URL).status_code == 404
    assert login(charlie).get("/accounts/groups/nope/").status_code == 404


def test_it_rejects_post(login, alice, ops):
    assert login(alice).post(URL).status_code == 405


def test_members_see_members_and_admins_but_no_controls(login, bob, ops):
    response = login(bob).get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "bob" in content and "carol" in content and "Operations" in content
    assert "/accounts/groups/ops/members" not in content
    assert "/log/group/ops/" not in content


def test_admins_get_the_member_forms_and_the_log(login, carol, ops):
    content = login(carol).get(URL).content.decode()
    assert 'action="/accounts/groups/ops/members"' in content
    assert 'action="/accounts/groups/ops/admins"' not in content
    assert 'href="/log/group/ops/"' in content


def test_superusers_get_every_control(login, alice, ops):
    content = login(alice).get(URL).content.decode()
    assert 'action="/accounts/groups/ops/admins"' in content
    assert 'href="/accounts/groups/ops/edit"' in content


def test_its_query_count_does_not_grow_with_the_members(
    login, alice, ops, django_assert_max_num_queries
):
    from django.contrib.auth.models import User

    client = login(alice)
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    for n in range(20):
        ops.user_set.add(User.objects.create_user(f"m{n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
