"""/accounts/groups/: superusers see all groups, others those they administer or are in."""

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.accounts.models import GroupProfile

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/"


@pytest.fixture
def dev(db):
    return Group.objects.create(name="dev")


def names(response):
    return [g.name for g in response.context["groups"]]


def test_it_redirects_anonymous_visitors(client):
    assert client.get(URL).status_code == 302


def test_it_rejects_post(login, alice):
    assert login(alice).post(URL).status_code == 405


def test_superusers_see_every_group(login, alice, ops, dev):
    response = login(alice).get(URL)
    assert names(response) == ["dev", "ops"]
    assert b'href="/accounts/groups/new"' in response.content


def test_members_see_their_groups(login, bob, ops, dev):
    response = login(bob).get(URL)
    assert names(response) == ["ops"]
    assert b"Operations" in response.content  # the description
    assert b"/accounts/groups/new" not in response.content


def test_admins_see_the_groups_they_administer(login, carol, ops, dev):
    response = login(carol).get(URL)
    assert names(response) == ["ops"]
    assert b"administrator" in response.content


def test_outsiders_see_none(login, charlie, ops):
    response = login(charlie).get(URL)
    assert names(response) == []
    assert b"You are not in any group." in response.content


def test_its_query_count_does_not_grow_with_the_groups(
    login, carol, ops, django_assert_max_num_queries
):
    client = login(carol)
    with django_assert_max_num_queries(6) as few:
        client.get(URL)
    for n in range(20):
        group = Group.objects.create(name=f"g{n}")
        GroupProfile.of(group).admins.add(carol)
        group.user_set.add(carol)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(names(client.get(URL))) == 21
