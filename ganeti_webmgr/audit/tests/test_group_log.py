"""/log/group/<name>/: the group's administrators and superusers; members 403, others 404."""

import pytest

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.audit.tests.conftest import shown

pytestmark = pytest.mark.django_db

URL = "/log/group/ops/"


@pytest.fixture
def entries(alice, bob, group):
    audit.record("group.member_add", actor=alice, targets=[group, bob], message="bob joined")
    audit.record("user.edit", actor=alice, targets=[bob], message="bob edited")


def test_it_redirects_anonymous_visitors(client, group):
    assert client.get(URL).status_code == 302


def test_it_hides_the_group_from_outsiders(login, charlie, group):
    assert login(charlie).get(URL).status_code == 404


def test_members_may_not_read_it(login, bob, group):
    bob.groups.add(group)
    assert login(bob).get(URL).status_code == 403


def test_it_rejects_post(login, alice, group):
    assert login(alice).post(URL).status_code == 405


def test_it_is_404_for_an_unknown_group(login, alice):
    assert login(alice).get("/log/group/nope/").status_code == 404


def test_group_admins_read_it(login, charlie, group, entries):
    GroupProfile.of(group).admins.add(charlie)
    response = login(charlie).get(URL)
    assert response.status_code == 200
    assert shown(response) == ["bob joined"]


def test_superusers_read_it(login, alice, entries):
    assert shown(login(alice).get(URL)) == ["bob joined"]


def test_its_query_count_does_not_grow_with_the_entries(
    login, alice, bob, group, django_assert_max_num_queries
):
    client = login(alice)
    audit.record("group.member_add", actor=alice, targets=[group, bob])
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    for _ in range(30):
        audit.record("group.member_add", actor=alice, targets=[group, bob])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).context["page"].entries) == 31
