"""/log/user/<username>/: what a user did and what was done to them; themself and superusers."""

import pytest

from ganeti_webmgr import audit
from ganeti_webmgr.audit.tests.conftest import shown

pytestmark = pytest.mark.django_db

URL = "/log/user/bob/"


@pytest.fixture
def entries(alice, bob, charlie, vm, cluster):
    audit.record("user.edit", actor=alice, targets=[bob], message="alice edited bob")
    audit.record("vm.start", actor=bob, targets=[vm, cluster], message="bob started vm1")
    audit.record("user.edit", actor=alice, targets=[charlie], message="alice edited charlie")


def test_it_redirects_anonymous_visitors(client, bob):
    assert client.get(URL).status_code == 302


def test_other_users_get_404(login, charlie, bob):
    assert login(charlie).get(URL).status_code == 404
    assert login(charlie).get("/log/user/nobody/").status_code == 404


def test_it_rejects_post(login, bob):
    assert login(bob).post(URL).status_code == 405


def test_users_see_their_own_log(login, bob, vm, entries):
    from ganeti_webmgr.permissions.grants import set_permissions

    set_permissions(vm, bob, ["power"])
    response = login(bob).get(URL)
    assert response.status_code == 200
    assert shown(response) == ["bob started vm1", "alice edited bob"]


def test_superusers_see_anyones_log(login, alice, entries):
    assert shown(login(alice).get(URL)) == ["bob started vm1", "alice edited bob"]


def test_an_entry_both_by_and_about_the_user_shows_once(login, bob):
    audit.record("profile.edit", actor=bob, targets=[bob], message="own profile")
    assert shown(login(bob).get(URL)) == ["own profile"]


def test_its_query_count_does_not_grow_with_the_entries(login, bob, django_assert_max_num_queries):
    client = login(bob)
    audit.record("profile.edit", actor=bob, targets=[bob])
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    for _ in range(30):
        audit.record("profile.edit", actor=bob, targets=[bob])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).context["page"].entries) == 31
