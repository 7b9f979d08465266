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


@pytest.fixture
def many(db, ops):
    """user1, User2, user10 (inactive, in ops), admin2 (a superuser)."""
    User.objects.create_user("user1", first_name="Ann", last_name="Zed", email="ann@example.org")
    User.objects.create_user("User2", first_name="Bo", last_name="Young")
    User.objects.create_user("user10", is_active=False).groups.add(ops)
    User.objects.create_superuser("admin2", "admin2@example.org", "pw")


def listed(response):
    return [u.username for u in response.context["page"].object_list]


def test_user_names_are_in_natural_order(login, alice, many):
    client = login(alice)
    assert listed(client.get(URL, {"q": "user"})) == ["user1", "User2", "user10"]
    assert listed(client.get(URL, {"q": "user", "sort": "-username"})) == [
        "user10",
        "User2",
        "user1",
    ]


def test_other_columns_sort(login, alice, many):
    client = login(alice)
    by_name = listed(client.get(URL, {"q": "user", "sort": "name"}))
    assert by_name == ["user10", "user1", "User2"]  # "", "Ann Zed", "Bo Young"
    assert listed(client.get(URL, {"q": "example.org", "sort": "email"}))[:2] == ["admin2", "alice"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"active": "no"}, ["user10"]),
        ({"active": "yes", "q": "user"}, ["user1", "User2"]),
        ({"superuser": "yes"}, ["admin2", "alice"]),
        ({"group": "ops"}, ["bob", "user10"]),
        ({"group": "ops", "active": "yes"}, ["bob"]),
        ({"q": "OPS"}, ["bob", "user10"]),  # a group's name
        ({"q": "young"}, ["User2"]),  # the last name
        ({"q": "ann@"}, ["user1"]),  # the e-mail address
    ],
)
def test_search_and_filters(login, alice, bob, many, query, expected):
    assert listed(login(alice).get(URL, query)) == expected


def test_filters_are_chips_that_drop_alone(login, alice, many):
    response = login(alice).get(URL, {"group": "ops", "active": "no", "q": "user"})
    chips = {chip.label: chip for chip in response.context["query"].chips}
    assert set(chips) == {"Search", "Group", "Active"}
    assert "group=" not in chips["Group"].drop and "active=no" in chips["Group"].drop
    assert b"Clear all" in response.content


def test_an_unknown_group_is_an_error_and_lists_nothing(login, alice, many):
    response = login(alice).get(URL, {"group": "nowhere"})
    assert listed(response) == []
    assert response.context["query"].errors == ["Group: no 'nowhere' here; choose one of the list."]


def test_columns_and_page_size_are_remembered(login, alice, many):
    client = login(alice)
    response = client.post(
        "/accounts/lists/users",
        {"col": ["username", "last_login"], "per_page": "25", "next": URL + "?q=user"},
    )
    assert response.status_code == 302 and response.url == URL + "?q=user"
    page = client.get(URL)
    assert [c.key for c in page.context["query"].shown] == ["username", "last_login"]
    assert page.context["query"].page_size == 25
    assert b"never" in page.content  # user1 never logged in


def test_the_address_keeps_the_list(login, alice, many):
    response = login(alice).get(URL, {"q": "user", "sort": "-username", "per_page": "25"})
    assert response.context["export_csv"] == (
        "/accounts/users/export?q=user&sort=-username&per_page=25&format=csv"
    )
    assert 'href="?q=user&amp;sort=username&amp;per_page=25"' in response.content.decode()


def test_a_page_of_many_keeps_natural_order_across_pages(login, alice, db):
    for n in range(1, 31):
        User.objects.create_user(f"pz{n}")
    client = login(alice)
    second = client.get(URL, {"q": "pz", "per_page": "25", "page": "2"})
    assert listed(second) == [f"pz{n}" for n in range(26, 31)]
