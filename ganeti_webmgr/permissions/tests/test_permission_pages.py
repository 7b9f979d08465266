"""/clusters/<slug>/permissions/ and /clusters/<slug>/vms/<name>/permissions/."""

from django.contrib.auth.models import Group

from ganeti_webmgr.permissions.grants import holders
from ganeti_webmgr.permissions.rules import can

CLUSTER = "/clusters/a/permissions/"
VM = "/clusters/a/vms/a1/permissions/"


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url in (CLUSTER, VM):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_what_a_user_may_not_see_is_404(client, world):
    assert login(client, world.plain).get(CLUSTER).status_code == 404
    assert client.get(VM).status_code == 404
    assert login(client, world.cluster_admin).get("/clusters/b/permissions/").status_code == 404


def test_what_a_user_sees_but_may_not_administer_is_403(client, world):
    login(client, world.power)
    assert client.get(VM).status_code == 403
    assert client.get(CLUSTER).status_code == 403


def test_it_rejects_other_methods(client, world):
    assert login(client, world.cluster_admin).put(CLUSTER).status_code == 405


def test_a_vm_admin_sees_and_grants_on_the_vm(client, world):
    login(client, world.vm_admin)
    page = client.get(VM)
    assert page.status_code == 200
    assert b"user power" in page.content and b"user vmadmin" in page.content
    response = client.post(
        VM,
        {"holder_kind": "user", "holder_name": "plain", "permissions": ["power", "tags"]},
        follow=True,
    )
    assert b"User plain: granted power, tags." in response.content
    assert can(world.plain, "power", world.a1) and not can(world.plain, "remove", world.a1)


def test_changing_and_revoking(client, world):
    login(client, world.cluster_admin)
    client.post(VM, {"holder_kind": "user", "holder_name": "power", "permissions": ["modify"]})
    assert dict(holders(world.a1))[world.power] == ["modify"]
    response = client.post(VM, {"holder_kind": "user", "holder_name": "power"}, follow=True)
    assert b"User power: revoked modify." in response.content
    assert world.power not in dict(holders(world.a1))


def test_a_cluster_admin_grants_to_a_group(client, world):
    login(client, world.cluster_admin)
    client.post(
        CLUSTER, {"holder_kind": "group", "holder_name": "ops", "permissions": ["create_vm"]}
    )
    assert can(world.member, "create_vm", world.a)
    assert dict(holders(world.a))[Group.objects.get(name="ops")] == ["create_vm"]


def test_it_names_an_unknown_holder_and_an_unknown_permission(client, world):
    login(client, world.cluster_admin)
    response = client.post(
        CLUSTER, {"holder_kind": "user", "holder_name": "nobody", "permissions": ["admin"]}
    )
    assert response.status_code == 200
    assert b"There is no active user named" in response.content
    response = client.post(
        VM, {"holder_kind": "user", "holder_name": "plain", "permissions": ["create_vm"]}
    )
    assert b"Select a valid choice. create_vm is not one of the available choices." in (
        response.content
    )
    assert not can(world.plain, "view", world.a1)


def test_permissions_on_a_read_only_cluster_can_still_be_granted(client, world):
    login(client, world.ro_admin)
    client.post(
        "/clusters/ro/vms/ro1/permissions/",
        {"holder_kind": "user", "holder_name": "plain", "permissions": ["power"]},
    )
    assert can(world.plain, "view", world.ro1) and not can(world.plain, "power", world.ro1)


def test_grants_and_revocations_are_logged(client, world):
    from ganeti_webmgr.audit.models import Entry

    login(client, world.cluster_admin)
    client.post(VM, {"holder_kind": "user", "holder_name": "power", "permissions": ["modify"]})
    entries = {e.action: e for e in Entry.objects.all()}
    assert entries["permission.grant"].message == "modify on a1 granted for power"
    assert entries["permission.revoke"].message == "power on a1 revoked for power"
    assert entries["permission.grant"].actor == world.cluster_admin
    logged = {t.object_repr for t in entries["permission.grant"].targets.all()}
    assert logged == {"a1", "a", "power"}
