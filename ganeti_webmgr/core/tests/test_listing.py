"""core.listing's shared semantics that the lists' own tests do not reach: natural
order sorted here, day filters and their range, typed values refused."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict
from django.utils import timezone

from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter, ListQuery, ListSpec

pytestmark = pytest.mark.django_db

SPEC = ListSpec(
    name="test-people",
    search=("username",),
    filters=(
        Filter("since", "From", listing.since("date_joined"), check=listing.day_error),
        Filter("until", "To", listing.until("date_joined"), check=listing.day_error),
    ),
    columns=(
        Column("name", "Name", sort="username", natural=True),
        Column("joined", "Joined", sort="date_joined"),
    ),
    default_sort="name",
    check=listing.ordered_days("since", "until"),
)


def names(query: ListQuery) -> list[str]:
    ids = query.ids(query.apply(User.objects.all()))
    by_pk = User.objects.in_bulk(list(ids))
    return [by_pk[pk].username for pk in ids]


@pytest.fixture
def people(db):
    for name in ("user10", "User2", "user1", "admin"):
        User.objects.create_user(name)


def test_a_natural_column_is_put_in_natural_order_here(people):
    assert names(ListQuery(SPEC, QueryDict())) == ["admin", "user1", "User2", "user10"]
    assert names(ListQuery(SPEC, QueryDict("sort=-name"))) == [
        "user10",
        "User2",
        "user1",
        "admin",
    ]


def test_other_columns_keep_the_databases_order(people):
    query = ListQuery(SPEC, QueryDict("sort=joined"))
    assert not isinstance(query.ids(query.apply(User.objects.all())), list)


def test_paginator_pages_through_the_given_ids(people):
    query = ListQuery(SPEC, QueryDict())
    users = query.apply(User.objects.all())
    paginator = listing.TwoStepPaginator(
        users, 2, lambda ids: User.objects.filter(pk__in=ids), ids=query.ids(users)
    )
    assert [u.username for u in paginator.page(2).object_list] == ["User2", "user10"]


def test_days_are_whole_days_of_the_sites_time_zone(people, settings):
    settings.TIME_ZONE = "Europe/Paris"
    paris = timezone.get_fixed_timezone(60)
    joined = {"admin": (1, 0), "user1": (1, 23), "User2": (2, 0), "user10": (3, 12)}
    for name, (day, hour) in joined.items():
        when = datetime(2025, 1, day, hour, 30, tzinfo=paris)
        User.objects.filter(username=name).update(date_joined=when)
    one_day = QueryDict("since=2025-01-01&until=2025-01-01")
    assert names(ListQuery(SPEC, one_day)) == ["admin", "user1"]
    assert names(ListQuery(SPEC, QueryDict("since=2025-01-02"))) == ["User2", "user10"]
    assert names(ListQuery(SPEC, QueryDict("until=2025-01-02"))) == ["admin", "user1", "User2"]


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31",
        "0001-01-01",
        "1969-12-31",
        "2025-02-30",
        "20250101",
        "soon",
        "\uff12\uff10\uff12\uff15-01-01",
    ],
)
def test_a_day_that_is_no_day_lists_nothing_with_its_error(people, text):
    query = ListQuery(SPEC, QueryDict(f"since={text}"))
    assert query.errors == ["From: enter a day between 1970-01-01 and 9998-12-31 (YYYY-MM-DD)."]
    assert names(query) == []
    assert [chip.value for chip in query.chips] == [text]  # removable like any other


def test_a_range_that_ends_before_it_starts_lists_nothing(people):
    query = ListQuery(SPEC, QueryDict("since=2025-02-02&until=2025-01-01"))
    assert query.errors == ["The end date is before the start date."]
    assert names(query) == []


def test_a_range_of_one_day_is_fine(people):
    today = f"{timezone.localdate():%Y-%m-%d}"
    tomorrow = f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}"
    query = ListQuery(SPEC, QueryDict(f"since={today}&until={tomorrow}"))
    assert query.errors == [] and len(names(query)) == 4
