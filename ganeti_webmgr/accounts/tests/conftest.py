import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.audit.models import Entry


@pytest.fixture
def carol(db):
    """Administrator of ops (not a member)."""
    return User.objects.create_user("carol", "carol@example.org", "carol-password-1")


@pytest.fixture
def ops(bob, carol):
    group = Group.objects.create(name="ops")
    GroupProfile.objects.create(group=group, description="Operations")
    group.user_set.add(bob)
    GroupProfile.of(group).admins.add(carol)
    return group


@pytest.fixture
def login(client):
    """login(user): the test client logged in as user (the login's log entry removed)."""

    def log_in(user):
        client.force_login(user)
        Entry.objects.all().delete()
        return client

    return log_in


def last_entry(action):
    return Entry.objects.filter(action=action).latest("pk")
