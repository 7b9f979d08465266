import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/password/"


def test_it_changes_the_password(client):
    User.objects.create_user("bob", password="old-password-123")
    client.login(username="bob", password="old-password-123")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "old-password-123",
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
        follow=True,
    )
    assert b"Your password has been changed." in response.content
    assert User.objects.get(username="bob").check_password("N3w-passphrase!")


def test_it_rejects_a_wrong_old_password(client):
    User.objects.create_user("bob", password="old-password-123")
    client.login(username="bob", password="old-password-123")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(username="bob").check_password("old-password-123")


def test_it_logs_the_change_but_not_the_password(client):
    from ganeti_webmgr.audit.models import Entry

    User.objects.create_user("bob", password="old-password-123")
    client.login(username="bob", password="old-password-123")
    client.post(
        "/accounts/password/",
        {
            "old_password": "old-password-123",
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
    )
    entry = Entry.objects.get(action="profile.password_change")
    assert entry.actor.username == "bob"
    row = str(Entry.objects.filter(pk=entry.pk).values().get())
    assert "N3w-passphrase" not in row and "old-password" not in row


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_tells_accounts_without_a_local_password_to_change_it_elsewhere(client, method):
    user = User.objects.create_user("dora")  # as an LDAP account: no usable password
    client.force_login(user)
    response = getattr(client, method)(
        "/accounts/password/",
        {
            "old_password": "",
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
    )
    assert response.status_code == 200
    assert b"its password is not kept in GWM" in response.content
    user.refresh_from_db()
    assert not user.has_usable_password()
