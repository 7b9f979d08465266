"""/clusters/<slug>/ssh-keys: the cluster's admins map OS parameters, rotate the token."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine
from ganeti_webmgr.vmkeys.models import KeyFeed, KeyParameter

URL = "/clusters/sim/ssh-keys"


@pytest.fixture
def cluster(simulator, make_cluster):
    simulator.cluster.os_parameters["noop"] = [["ssh_key", "keys for root"]]
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    cluster.refresh_from_db()
    return cluster


@pytest.fixture
def admin(cluster):
    user = User.objects.create_user("carol", password="pw")
    set_permissions(cluster, user, ["admin"])
    return user


def test_anonymous_visitors_are_sent_to_log_in(client, cluster):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_outsiders_get_404_and_vm_admins_403(client, cluster, bob, charlie):
    client.force_login(charlie)
    assert client.get(URL).status_code == 404
    set_permissions(VirtualMachine.objects.filter(cluster=cluster).first(), bob, ["admin"])
    client.force_login(bob)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"form": "token"}).status_code == 403
    assert not KeyFeed.objects.exists()


def test_other_methods_are_refused(client, admin):
    client.force_login(admin)
    assert client.delete(URL).status_code == 405
    assert client.post(URL, {"form": "explode"}).status_code == 400


def test_the_cluster_tab_shows_for_its_admins(client, admin, cluster):
    client.force_login(admin)
    assert f'href="{URL}"'.encode() in client.get("/clusters/sim/").content


def test_a_declared_parameter_is_saved_and_logged(client, admin, cluster):
    client.force_login(admin)
    response = client.post(
        URL, {"form": "map", "os": "noop", "parameter": "ssh_key", "layout": "first"}
    )
    assert response.status_code == 302
    row = KeyParameter.objects.get(cluster=cluster)
    assert (row.os, row.parameter, row.layout, row.declared) == (
        "noop",
        "ssh_key",
        "first",
        ["ssh_key"],
    )
    entry = Entry.objects.get(action="cluster.ssh_keys")
    assert (
        entry.actor_name == "carol" and "the oldest key only into ssh_key of noop" in entry.message
    )
    page = client.get(URL).content.decode()
    assert 'data-mapping="noop"' in page


def test_a_parameter_the_os_does_not_declare_is_refused_at_save(client, admin, cluster):
    client.force_login(admin)
    response = client.post(URL, {"form": "map", "os": "debootstrap", "parameter": "ssh_key"})
    assert response.status_code == 400
    assert (
        "The OS debootstrap does not declare a parameter &#x27;ssh_key&#x27; (Ganeti: The "
        "following parameters are not supported by the OS debootstrap: ssh_key)."
    ) in response.content.decode()
    assert not KeyParameter.objects.exists() and not Entry.objects.filter(action="cluster.ssh_keys")


@pytest.mark.parametrize(
    ("os", "parameter", "message"),
    [
        ("nope", "ssh_key", "The cluster has no OS &#x27;nope&#x27; (as of GWM"),
        ("noop+nope", "ssh_key", "The cluster has no OS &#x27;noop+nope&#x27; (as of GWM"),
        ("no op", "ssh_key", "An OS name, e.g. image or image+debian."),
        ("noop", "ssh key", "A parameter name: letters, digits, _ and -."),
    ],
)
def test_bad_mappings_get_a_clear_error(client, admin, cluster, os, parameter, message):
    client.force_login(admin)
    response = client.post(URL, {"form": "map", "os": os, "parameter": parameter})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KeyParameter.objects.exists()


def test_one_mapping_per_os(client, admin, cluster):
    client.force_login(admin)
    client.post(URL, {"form": "map", "os": "noop", "parameter": "ssh_key"})
    response = client.post(URL, {"form": "map", "os": "noop", "parameter": "ssh_key"})
    assert response.status_code == 400
    assert b"This OS has a mapping already" in response.content


def test_a_cluster_that_does_not_answer_saves_nothing(client, admin, cluster, simulator):
    cluster.port = 1
    cluster.save()
    client.force_login(admin)
    response = client.post(URL, {"form": "map", "os": "noop", "parameter": "ssh_key"})
    assert response.status_code == 400
    assert b"Ganeti could not be asked to check the parameter" in response.content
    assert not KeyParameter.objects.exists()


def test_a_mapping_is_removed(client, admin, cluster):
    client.force_login(admin)
    client.post(URL, {"form": "map", "os": "noop", "parameter": "ssh_key"})
    row = KeyParameter.objects.get()
    for bad in ("abc", "", "999999"):  # nothing removed, no error page
        assert client.post(URL, {"form": "unmap", "mapping": bad}).status_code == 302
    assert KeyParameter.objects.exists()
    assert client.post(URL, {"form": "unmap", "mapping": row.pk}).status_code == 302
    assert not KeyParameter.objects.exists()
    assert Entry.objects.filter(action="cluster.ssh_keys").count() == 2


def test_checking_again_marks_what_the_os_no_longer_declares(client, admin, cluster, simulator):
    client.force_login(admin)
    client.post(URL, {"form": "map", "os": "noop", "parameter": "ssh_key"})
    simulator.cluster.os_parameters["noop"] = [["root_key", "one key"]]
    response = client.post(URL, {"form": "check"}, follow=True)
    assert (
        b"does not declare a parameter &#x27;ssh_key&#x27; (Ganeti: The following parameters "
        b"are not supported by the OS noop: ssh_key)"
    ) in response.content
    assert b"creations with it are refused" in response.content
    assert KeyParameter.objects.get().declared == []


def test_the_token_is_shown_once_and_only_its_hash_kept(client, admin, cluster):
    client.force_login(admin)
    response = client.post(URL, {"form": "token"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = page.split("<pre data-key-feed-token>", 1)[1].split("</pre>", 1)[0]
    assert KeyFeed.objects.get().matches(token)
    assert f"http://testserver/clusters/sim/keys/{token}" in page
    assert token not in client.get(URL).content.decode()
    entry = Entry.objects.get(action="cluster.ssh_keys")
    assert token not in str(entry.message) and token not in str(entry.changes)
    assert client.get(f"/clusters/sim/keys/{token}").status_code == 200
    client.post(URL, {"form": "token"})
    assert client.get(f"/clusters/sim/keys/{token}").status_code == 404
