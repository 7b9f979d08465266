"""/accounts/groups/: superusers see all groups, others those they administer or are in."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.accounts.models import GroupProfile

pytestmark = pytest.mark.django_db

URL = "/accounts/groups/"


@pytest.fixture
def dev(db):
    return Group.objects.create(name="dev")


def names(response):
    return [g.name for g in response.context["page"].object_list]


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


@pytest.fixture
def numbered(db, bob, carol):
    """g1, G2, g10 (bob in g10 and g1), and g3, which carol administers."""
    made = {name: Group.objects.create(name=name) for name in ("g10", "G2", "g1", "g3")}
    made["g10"].user_set.add(bob)
    made["g1"].user_set.add(bob)
    GroupProfile.of(made["g3"]).admins.add(carol)
    return made


def test_names_are_in_natural_order(login, alice, numbered, ops):
    client = login(alice)
    assert names(client.get(URL, {"q": "g"})) == ["g1", "G2", "g3", "g10"]
    assert names(client.get(URL, {"q": "g", "sort": "-name"})) == ["g10", "g3", "G2", "g1"]


def test_the_member_count_sorts(login, alice, numbered, ops):
    numbered["g3"].user_set.add(*[User.objects.create_user(f"m{n}") for n in range(3)])
    listed = names(login(alice).get(URL, {"sort": "-members"}))
    assert listed[0] == "g3"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"member": "bob"}, ["g1", "g10", "ops"]),
        ({"member": "bo"}, []),  # a user name, exactly
        ({"q": "BO"}, ["g1", "g10", "ops"]),  # a member's name, contained
        ({"q": "op"}, ["ops"]),  # the group's name
        ({"member": "carol"}, []),  # administering is not membership
    ],
)
def test_search_and_the_member_filter(login, alice, numbered, ops, query, expected):
    assert names(login(alice).get(URL, query)) == expected


def test_others_search_and_filter_among_the_groups_they_may_see(login, bob, carol, numbered, ops):
    assert names(login(bob).get(URL, {"q": "g"})) == ["g1", "g10"]
    assert names(login(bob).get(URL, {"member": "bob"})) == ["g1", "g10", "ops"]
    # carol administers ops and g3, where bob is not: his other groups stay unseen.
    assert names(login(carol).get(URL, {"member": "bob"})) == ["ops"]
    assert names(login(carol).get(URL, {"q": "bob"})) == ["ops"]


def test_columns_and_chips(login, alice, numbered, ops):
    client = login(alice)
    client.post("/accounts/lists/groups", {"col": ["name", "admins"], "per_page": "25"})
    response = client.get(URL, {"member": "bob"})
    assert [c.key for c in response.context["query"].shown] == ["name", "admins"]
    assert "<td>carol</td>" in response.content.decode()  # ops's administrator
    [chip] = response.context["query"].chips
    assert (chip.label, chip.value) == ("Member", "bob")
    assert b"No group matches." in client.get(URL, {"q": "nothing-like-it"}).content
