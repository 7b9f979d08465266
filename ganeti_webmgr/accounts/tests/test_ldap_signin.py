"""Sign-in through LDAP against a real slapd (testing/slapd.py): users and groups come
from the directory, grants to mirrored groups apply, and a directory that is down
gives a clear error while local accounts still sign in."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.testing import slapd
from ganeti_webmgr.testing.ports import closed_port
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
WRONG_PASSWORD = b"Please enter a correct username and password"


def sign_in(client, username, password=None):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password or f"{username}-ldap-password"},
    )


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


@pytest.fixture
def vm_of_operators(simulator, make_cluster):
    """A VM of a synced simulator cluster, on which the GWM group vm-operators (made
    before anyone signed in, as an administrator would) may power."""
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    vm = VirtualMachine.objects.filter(cluster=cluster).order_by("name").first()
    set_permissions(vm, Group.objects.create(name="vm-operators"), ["power"])
    return vm


def vm_url(vm):
    return f"/clusters/{vm.cluster.slug}/vms/{vm.name}/"


def test_it_signs_in_a_directory_user_as_a_new_gwm_user(client, ldap_signin):
    ldap_signin()
    response = sign_in(client, "dora")
    assert response.status_code == 302
    assert signed_in_as(client) == "dora"
    dora = User.objects.get(username="dora")
    assert (dora.first_name, dora.last_name, dora.email) == ("Dora", "Directory", "dora@gwm.test")
    assert not dora.has_usable_password()  # so no password reset mail either
    assert not dora.is_superuser
    created = Entry.objects.get(action="user.create")
    assert "through LDAP" in created.message
    assert Entry.objects.filter(action="user.login", actor=dora).exists()


@pytest.mark.parametrize("group_type", ["posixGroup", "groupOfNames"])
def test_it_mirrors_ldap_groups_and_grants_to_them_apply(
    client, ldap_signin, vm_of_operators, group_type
):
    ldap_signin(group_type=group_type)
    name = "vm-operators" if group_type == "posixGroup" else "vm-operators-gon"
    if group_type == "groupOfNames":
        Group.objects.filter(name="vm-operators").update(name=name)
    sign_in(client, "dora")
    assert signed_in_as(client) == "dora"
    dora = User.objects.get(username="dora")
    assert list(dora.groups.values_list("name", flat=True)) == [name]
    response = client.get(vm_url(vm_of_operators))
    assert response.status_code == 200
    added = Entry.objects.get(action="group.member_add")
    assert added.actor == dora
    assert "LDAP" in added.message
    assert {t.object_repr for t in added.targets.all()} == {name, "dora"}
    # ed is in gwm-admins only: his group is made in GWM too, and the VM stays hidden.
    client.logout()
    sign_in(client, "ed")
    assert Group.objects.filter(name__startswith="gwm-admins").exists()
    assert client.get(vm_url(vm_of_operators)).status_code == 404


def test_it_removes_the_membership_at_the_next_sign_in(
    client, ldap_signin, ldap_directory, vm_of_operators
):
    ldap_signin()
    sign_in(client, "dora")
    assert client.get(vm_url(vm_of_operators)).status_code == 200
    client.logout()
    ldap_directory.remove_member("vm-operators", "dora")
    try:
        sign_in(client, "dora")
        assert signed_in_as(client) == "dora"
        assert not User.objects.get(username="dora").groups.exists()
        assert client.get(vm_url(vm_of_operators)).status_code == 404
        removed = Entry.objects.get(action="group.member_remove")
        assert "Removed dora from vm-operators" in removed.message
    finally:
        ldap_directory.add_member("vm-operators", "dora")


def test_it_leaves_out_groups_gwm_cannot_name(client, ldap_signin, caplog):
    ldap_signin()
    sign_in(client, "dora")
    assert signed_in_as(client) == "dora"
    assert list(Group.objects.values_list("name", flat=True)) == ["vm-operators"]
    assert "LDAP group 'Ops Team' not mirrored" in caplog.text


def test_it_mirrors_only_the_listed_groups(client, ldap_signin):
    ldap_signin(mirror_groups=["gwm-admins"])
    local = Group.objects.create(name="local-team")
    sign_in(client, "ed")
    ed = User.objects.get(username="ed")
    local.user_set.add(ed)
    client.logout()
    sign_in(client, "ed")
    assert set(ed.groups.values_list("name", flat=True)) == {"gwm-admins", "local-team"}
    client.logout()
    sign_in(client, "dora")
    assert signed_in_as(client) == "dora"
    assert not Group.objects.filter(name="vm-operators").exists()


def test_it_makes_superusers_of_the_superuser_group(client, ldap_signin):
    ldap_signin(superuser_group=f"cn=gwm-admins,ou=groups,{slapd.SUFFIX}")
    sign_in(client, "ed")
    assert User.objects.get(username="ed").is_superuser
    client.logout()
    sign_in(client, "dora")
    assert not User.objects.get(username="dora").is_superuser


def test_it_signs_in_over_starttls_checking_the_certificate(client, ldap_signin, ldap_directory):
    ldap_signin(start_tls=True, ca_file=ldap_directory.ca_file)
    sign_in(client, "dora")
    assert signed_in_as(client) == "dora"


def test_it_refuses_a_server_certificate_of_another_ca(client, ldap_signin, tmp_path, caplog):
    from ganeti_webmgr.testing.vnc import make_tls

    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_text(make_tls(["localhost"], ca_name="Someone else's CA").ca_pem)
    ldap_signin(start_tls=True, ca_file=str(other_ca))
    response = sign_in(client, "dora")
    assert b"The directory server (LDAP) refused" in response.content
    assert signed_in_as(client) is None
    assert "check the server's certificate against [ldap] ca_file" in caplog.text


def test_it_refuses_a_directory_user_deactivated_in_gwm(client, ldap_signin):
    ldap_signin()
    sign_in(client, "dora")
    client.logout()
    User.objects.filter(username="dora").update(is_active=False)
    response = sign_in(client, "dora")
    assert b"This account is inactive" in response.content
    assert signed_in_as(client) is None


def test_it_refuses_a_wrong_password(client, ldap_signin):
    ldap_signin()
    response = sign_in(client, "dora", "not-doras-password")
    assert response.status_code == 200
    assert WRONG_PASSWORD in response.content
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="dora").exists()
    assert Entry.objects.filter(action="user.login_failed").exists()


def test_it_refuses_users_outside_the_required_group(client, ldap_signin):
    ldap_signin(require_group=f"cn=gwm-admins,ou=groups,{slapd.SUFFIX}")
    assert WRONG_PASSWORD in sign_in(client, "dora").content
    client.logout()
    sign_in(client, "ed")
    assert signed_in_as(client) == "ed"


def test_it_never_signs_a_local_account_in_through_ldap(client, ldap_signin):
    ldap_signin()
    User.objects.create_user("dora", "dora@local.test", "local-dora-password-1")
    assert WRONG_PASSWORD in sign_in(client, "dora").content  # the directory's password
    sign_in(client, "dora", "local-dora-password-1")
    assert signed_in_as(client) == "dora"
    assert User.objects.get(username="dora").email == "dora@local.test"


def test_it_never_signs_a_local_account_in_whatever_the_case(client, ldap_signin):
    ldap_signin()
    User.objects.create_user("Dora", "dora@local.test", "local-dora-password-1")
    assert WRONG_PASSWORD in sign_in(client, "dora").content
    assert WRONG_PASSWORD in sign_in(client, "DORA", "dora-ldap-password").content
    assert list(User.objects.values_list("username", flat=True)) == ["Dora"]


def test_it_says_when_the_directory_is_down_and_local_accounts_still_sign_in(
    client, ldap_signin, bob, caplog
):
    ldap_signin(server_uri=f"ldap://127.0.0.1:{closed_port()}")
    response = sign_in(client, "dora")
    assert response.status_code == 200
    assert b"The directory server (LDAP) cannot be reached" in response.content
    assert WRONG_PASSWORD not in response.content
    assert signed_in_as(client) is None
    assert "LDAP directory error" in caplog.text
    sign_in(client, "bob", "bob-password-1")
    assert signed_in_as(client) == "bob"


def test_it_says_when_the_directory_refuses_gwm_and_never_logs_the_password(
    client, ldap_signin, caplog
):
    ldap_signin(bind_password="wrong-bind-password")
    response = sign_in(client, "dora")
    assert b"refused GWM&#x27;s request" in response.content
    assert "LDAP directory error" in caplog.text
    assert "wrong-bind-password" not in caplog.text
    assert "dora-ldap-password" not in caplog.text
