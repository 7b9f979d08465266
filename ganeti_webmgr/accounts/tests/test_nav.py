"""The top bar links to Users, Groups and Log only for those who may use them."""

import pytest

pytestmark = pytest.mark.django_db


def test_superusers_see_users_groups_and_log(login, alice):
    content = login(alice).get("/").content.decode()
    for href in ("/accounts/users/", "/accounts/groups/", "/log/", "/accounts/profile/"):
        assert f'href="{href}"' in content


def test_plain_users_see_groups_and_their_profile_only(login, bob):
    content = login(bob).get("/").content.decode()
    assert 'href="/accounts/groups/"' in content and 'href="/accounts/profile/"' in content
    assert 'href="/accounts/users/"' not in content and 'href="/log/"' not in content


def test_anonymous_visitors_see_no_nav(client):
    content = client.get("/accounts/login/").content.decode()
    assert "/accounts/groups/" not in content
