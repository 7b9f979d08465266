"""/accounts/users/bulk: superusers activate or deactivate the ticked users, or every
user the list's filter matches; one log entry per user changed, with the change."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError

from ganeti_webmgr.audit.models import Entry

pytestmark = pytest.mark.django_db

URL = "/accounts/users/bulk"
BACK = "/accounts/users/?q=u"


@pytest.fixture
def users(db):
    return [User.objects.create_user(f"u{n}") for n in (1, 2, 10)]


def active(*names):
    return {u.username: u.is_active for u in User.objects.filter(username__in=names)}


def pks(users):
    return [str(u.pk) for u in users]


def test_it_is_forbidden_to_everyone_but_superusers(login, bob, carol, users):
    for who in (bob, carol):
        response = login(who).post(URL, {"action": "deactivate", "user": pks(users)})
        assert response.status_code == 403
    assert all(active("u1", "u2", "u10").values())


def test_it_rejects_get(login, alice):
    assert login(alice).get(URL).status_code == 405


def test_deactivating_the_ticked_users_is_confirmed_first(login, alice, users):
    client = login(alice)
    data = {"action": "deactivate", "scope": "selected", "user": pks(users), "next": BACK}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert b"Deactivate 3 users?" in response.content
    assert all(active("u1", "u2", "u10").values())
    response = client.post(URL, {**data, "confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == BACK
    assert active("u1", "u2", "u10") == {"u1": False, "u2": False, "u10": False}
    assert "Deactivated 3 users: u1, u2, u10." in response.content.decode()
    entries = Entry.objects.filter(action="user.deactivate").order_by("pk")
    assert [e.targets.get().object_repr for e in entries] == ["u1", "u2", "u10"]
    assert all(e.actor == alice and e.changes == {"is_active": [True, False]} for e in entries)


def test_activating_needs_no_confirmation_and_skips_who_is_active(login, alice, users):
    User.objects.filter(username="u2").update(is_active=False)
    response = login(alice).post(
        URL, {"action": "activate", "user": pks(users), "next": BACK}, follow=True
    )
    assert active("u2") == {"u2": True}
    text = response.content.decode()
    assert "Activated 1 user: u2." in text
    assert "Skipped: u1 (already active); u10 (already active)." in text
    entry = Entry.objects.get(action="user.activate")
    assert entry.changes == {"is_active": [False, True]}


def test_a_superuser_is_never_deactivated_by_their_own_bulk_action(login, alice, users):
    data = {"action": "deactivate", "user": pks([alice, *users]), "confirm": "yes"}
    response = login(alice).post(URL, data, follow=True)
    assert User.objects.get(pk=alice.pk).is_active
    assert "alice (you cannot deactivate yourself)" in response.content.decode()
    assert not Entry.objects.filter(action="user.deactivate", targets__object_pk=alice.pk)


def test_all_matching_is_evaluated_again_and_its_count_confirmed(login, alice, users):
    client = login(alice)
    data = {"action": "deactivate", "scope": "matching", "filter": "q=u1", "next": BACK}
    first = client.post(URL, data)
    assert b"Deactivate: 2 users?" in first.content  # u1 and u10
    assert first.context["count"] == 2
    User.objects.create_user("u100")  # matches too, by now
    changed = client.post(URL, {**data, "confirm_count": "2"})
    assert b"it is now 3" in changed.content
    assert all(active("u1", "u10", "u100").values())
    client.post(URL, {**data, "confirm_count": "3"})
    assert active("u1", "u2", "u10", "u100") == {
        "u1": False,
        "u2": True,
        "u10": False,
        "u100": False,
    }


def test_all_matching_with_a_bad_filter_changes_nothing(login, alice, users):
    data = {"action": "deactivate", "scope": "matching", "filter": "group=nowhere"}
    response = login(alice).post(URL, {**data, "confirm_count": "0"}, follow=True)
    assert "Group: no &#x27;nowhere&#x27; here" in response.content.decode()
    assert all(active("u1", "u2", "u10").values())


def test_an_unknown_action_or_nothing_ticked_is_an_error(login, alice, users):
    client = login(alice)
    response = client.post(URL, {"action": "delete", "user": pks(users)}, follow=True)
    assert "Bulk action: choose one of activate, deactivate." in response.content.decode()
    response = client.post(URL, {"action": "activate", "user": ["x", "-1"]}, follow=True)
    assert "Select at least one user." in response.content.decode()


def test_a_failing_log_entry_rolls_the_whole_change_back(login, alice, users, monkeypatch):
    from ganeti_webmgr.audit import api

    real = api._write
    calls = []

    def write_then_fail(*args):
        calls.append(args)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real(*args)

    monkeypatch.setattr(api, "_write", write_then_fail)
    client = login(alice)
    client.raise_request_exception = False
    data = {"action": "deactivate", "user": pks(users), "confirm": "yes"}
    assert client.post(URL, data).status_code == 500
    assert all(active("u1", "u2", "u10").values())
    assert not Entry.objects.filter(action="user.deactivate").exists()
