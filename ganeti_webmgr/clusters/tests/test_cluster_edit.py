"""Editing a cluster from the web: plain settings at once, connection changes checked
and confirmed first."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters import rapi
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
URL = "/clusters/sim/edit"


@pytest.fixture
def cluster(simulator, make_cluster):
    cluster = make_cluster(simulator, description="old")
    Cluster.objects.filter(pk=cluster.pk).update(
        next_sync_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return Cluster.objects.get(pk=cluster.pk)


@pytest.fixture
def superuser_client(client, alice):
    client.force_login(alice)
    return client


def form(cluster, **changes):
    """The edit form as the page fills it in (the password field starts empty)."""
    data = {
        "hostname": cluster.hostname,
        "port": cluster.port,
        "username": cluster.username,
        "password": "",
        "trust": "keep",
        "ca_certificates": cluster.ca_certificates,
        "description": cluster.description,
        "default_quota_ram": "",
        "default_quota_disk": "",
        "default_quota_vcpus": "",
        "auto_import": "on" if cluster.auto_import else "",
    }
    return {**data, **changes}


def confirm(client, page, url=URL):
    """Press the confirmation page's button."""
    fields = {f.html_name: f.value() for f in page.context["confirm"]}
    return client.post(url, {"step": "confirm", **fields}, follow=True)


def test_the_form_shows_the_settings_but_never_the_password(superuser_client, cluster):
    page = superuser_client.get(URL)
    assert page.status_code == 200
    assert page.context["form"]["hostname"].value() == cluster.hostname
    assert b"gwm-secret" not in page.content
    assert cluster.password_encrypted.encode() not in page.content
    assert b"Leave empty to keep the stored password." in page.content


def test_description_and_quotas_are_saved_at_once(superuser_client, cluster, simulator):
    simulator.reset_records()
    client_before = rapi.client_for(cluster)
    response = superuser_client.post(
        URL, form(cluster, description="new", default_quota_ram="4096"), follow=True
    )
    assert b"Cluster sim saved (description, default_quota_ram)" in response.content
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.description, saved.default_quota_ram, saved.default_quota_disk) == (
        "new",
        4096,
        None,
    )
    assert not simulator.requests  # no connection check for these
    entry = Entry.objects.get(action="cluster.edit")
    assert entry.changes == {"description": ["old", "new"], "default_quota_ram": [None, 4096]}
    assert entry.message == "sim: description, default_quota_ram changed"
    assert saved.next_sync_at <= timezone.now()  # a sync was requested
    assert rapi.client_for(saved) is not client_before  # the cached client was forgotten


def test_nothing_changed_is_said_and_not_logged(superuser_client, cluster):
    response = superuser_client.post(URL, form(cluster), follow=True)
    assert b"Nothing was changed." in response.content
    assert not Entry.objects.filter(action="cluster.edit").exists()


def test_a_new_address_is_checked_and_confirmed_before_it_is_saved(
    superuser_client, simulator, make_cluster
):
    make_cluster(simulator, port=1)  # wrong port: its syncs fail
    cluster = Cluster.objects.get(slug="sim")
    page = superuser_client.post(URL, form(cluster, port=simulator.port))
    assert page.status_code == 200
    assert b"cluster.sim.test (Ganeti 3.0.2" in page.content
    assert simulator.fingerprint.encode() in page.content
    assert page.context["changed"] == ["port"]
    assert Cluster.objects.get(pk=cluster.pk).port == 1  # not yet
    response = confirm(superuser_client, page)
    assert b"Cluster sim saved (port)" in response.content
    assert Cluster.objects.get(pk=cluster.pk).port == simulator.port
    entry = Entry.objects.get(action="cluster.edit")
    assert entry.changes == {"port": [1, simulator.port]}


def test_an_empty_password_keeps_the_stored_one(superuser_client, cluster, simulator):
    page = superuser_client.post(URL, form(cluster, hostname="localhost"))
    assert page.context["changed"] == ["hostname"]
    confirm(superuser_client, page)
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.hostname, saved.password) == ("localhost", "gwm-secret")


def test_new_credentials_are_checked_and_never_shown_or_logged(
    superuser_client, cluster, simulator
):
    page = superuser_client.post(URL, form(cluster, username="gwm-ro", password="gwm-ro-secret"))
    assert page.context["changed"] == ["username", "password"]
    assert b"gwm-ro-secret" not in page.content
    assert b"as gwm-ro" in page.content
    confirm(superuser_client, page)
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.username, saved.password, saved.read_only) == ("gwm-ro", "gwm-ro-secret", False)
    entry = Entry.objects.get(action="cluster.edit")
    assert entry.changes["password"] == ["(hidden)", "(hidden)"]
    assert "gwm-ro-secret" not in str(entry.changes) + entry.message
    assert entry.message == "sim: username, password changed"


def test_the_same_password_typed_again_is_no_change(superuser_client, cluster):
    response = superuser_client.post(URL, form(cluster, password="gwm-secret"), follow=True)
    assert b"Nothing was changed." in response.content


def test_a_connection_failure_keeps_what_was_typed(superuser_client, cluster):
    page = superuser_client.post(
        URL, form(cluster, password="wrong", description="typed", default_quota_vcpus="8")
    )
    assert page.status_code == 200
    assert b"Cannot use https://127.0.0.1" in page.content
    assert b"HTTP 401" in page.content
    bound = page.context["form"]
    assert (bound["description"].value(), bound["default_quota_vcpus"].value()) == ("typed", "8")
    assert b'value="wrong"' not in page.content  # the password is never re-rendered
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.password, saved.description) == ("gwm-secret", "old")
    assert not Entry.objects.filter(action="cluster.edit").exists()


def test_removing_the_credentials_makes_it_read_only(superuser_client, cluster, simulator):
    simulator.anonymous_access = "read"  # Ganeti's default: reading needs no login
    page = superuser_client.post(URL, form(cluster, remove_credentials="on", password="ignored"))
    assert b"read-only (no credentials)" in page.content
    assert page.context["changed"] == ["username", "read_only", "password"]
    confirm(superuser_client, page)
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.username, saved.password_encrypted, saved.read_only) == ("", "", True)
    assert Entry.objects.get(action="cluster.edit").changes["password"] == ["(hidden)", ""]


def test_removing_the_credentials_is_refused_when_ganeti_wants_a_login(superuser_client, cluster):
    page = superuser_client.post(URL, form(cluster, remove_credentials="on"))
    assert b"HTTP 401" in page.content
    assert Cluster.objects.get(pk=cluster.pk).read_only is False


def test_a_read_only_cluster_becomes_writable_with_credentials(
    superuser_client, simulator, make_cluster
):
    cluster = make_cluster(simulator, username="", read_only=True)
    Cluster.objects.filter(pk=cluster.pk).update(password_encrypted="")
    cluster.refresh_from_db()
    page = superuser_client.get(URL)
    assert "remove_credentials" not in page.context["form"].fields
    page = superuser_client.post(URL, form(cluster, username="gwm"))
    assert b"Give the password: GWM has none stored for this cluster." in page.content
    page = superuser_client.post(URL, form(cluster, username="gwm", password="gwm-secret"))
    confirm(superuser_client, page)
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.username, saved.password, saved.read_only) == ("gwm", "gwm-secret", False)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": ""}, "username", "tick \u201cRemove the credentials\u201d"),
        ({"username": "", "password": "x"}, "username", "Give the user name for this password."),
        ({"port": "0"}, "port", "greater than or equal to 1"),
        ({"hostname": "h/x"}, "hostname", "the RAPI URL"),
        ({"default_quota_ram": "-1"}, "default_quota_ram", "greater than or equal to 0"),
        ({"trust": "ca", "ca_certificates": "nope"}, "ca_certificates", "PEM form"),
        ({"trust": "never"}, "trust", "Select a valid choice"),
        ({"ca_certificates": "-----BEGIN CERTIFICATE-----"}, "trust", "signed by this CA"),
    ],
)
def test_bad_input_is_named_on_its_field(superuser_client, cluster, changes, field, message):
    page = superuser_client.post(URL, form(cluster, description="typed", **changes))
    assert page.status_code == 200
    assert message in " ".join(page.context["form"].errors[field])
    assert page.context["form"]["description"].value() == "typed"
    assert Cluster.objects.get(pk=cluster.pk).description == "old"


def test_re_pinning_takes_the_certificate_presented_now(superuser_client, cluster, simulator):
    simulator.faults.wrong_certificate = True  # the cluster's certificate was replaced
    new = simulator.other_cert.fingerprint
    page = superuser_client.post(URL, form(cluster, trust="pin"))
    assert new.encode() in page.content
    assert page.context["changed"] == ["fingerprint"]
    assert Cluster.objects.get(pk=cluster.pk).fingerprint == simulator.fingerprint
    confirm(superuser_client, page)
    assert Cluster.objects.get(pk=cluster.pk).fingerprint == new
    assert Entry.objects.get(action="cluster.edit").changes == {
        "fingerprint": [simulator.fingerprint, new]
    }


def test_re_pinning_the_same_certificate_changes_nothing(superuser_client, cluster):
    page = superuser_client.post(URL, form(cluster, trust="pin"))
    assert page.context["changed"] == []
    response = confirm(superuser_client, page)
    assert b"Nothing was changed." in response.content


def test_a_ca_certificate_replaces_the_pin(superuser_client, cluster, simulator):
    pem = Path(simulator.ca_file).read_text()
    page = superuser_client.post(URL, form(cluster, trust="ca", ca_certificates=pem))
    assert b"signed by the CA given" in page.content
    confirm(superuser_client, page)
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.fingerprint, saved.ca_certificates) == ("", pem.strip())


def test_system_cas_do_not_trust_a_self_signed_certificate(superuser_client, cluster):
    page = superuser_client.post(URL, form(cluster, trust="system"))
    assert b"Cannot use" in page.content
    assert Cluster.objects.get(pk=cluster.pk).fingerprint  # still pinned


def test_a_tampered_confirmation_is_refused(superuser_client, cluster):
    page = superuser_client.post(URL, form(cluster, hostname="localhost"))
    token = page.context["confirm"]["checked"].value()
    payload, _, signature = token.partition(":")
    response = superuser_client.post(
        URL, {"step": "confirm", "checked": f"{payload}A:{signature}"}, follow=True
    )
    assert b"please start again" in response.content
    assert Cluster.objects.get(pk=cluster.pk).hostname == "127.0.0.1"


def test_a_confirmation_is_for_one_cluster_only(superuser_client, cluster, simulator, make_cluster):
    make_cluster(simulator, "other")
    page = superuser_client.post(URL, form(cluster, hostname="localhost"))
    response = confirm(superuser_client, page, url="/clusters/other/edit")
    assert b"please start again" in response.content
    assert Cluster.objects.get(slug="other").hostname == "127.0.0.1"
    # nor can a confirmation of adding a cluster change one
    added = superuser_client.post(
        "/clusters/add",
        {
            "slug": "new",
            "hostname": "localhost",
            "port": simulator.port,
            "username": "gwm",
            "password": "gwm-secret",
            "trust": "pin",
        },
    )
    response = confirm(superuser_client, added)
    assert b"please start again" in response.content


def test_only_superusers_edit_clusters(client, cluster, simulator):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    admin = User.objects.create_user("cadmin")
    set_permissions(cluster, admin, ["admin"])
    client.force_login(admin)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(cluster, description="x")).status_code == 403
    assert client.post(URL, {"step": "confirm", "checked": "x"}).status_code == 403
    client.force_login(User.objects.create_user("outsider"))
    assert client.get(URL).status_code == 404
    assert Cluster.objects.get(pk=cluster.pk).description == "old"


def test_the_cluster_page_links_to_the_form_for_superusers_only(client, cluster, alice):
    from ganeti_webmgr.inventory import sync

    sync.sync_cluster(cluster)
    viewer = User.objects.create_user("viewer")
    set_permissions(VirtualMachine.objects.filter(cluster=cluster).first(), viewer, ["power"])
    client.force_login(viewer)
    assert b"/clusters/sim/edit" not in client.get("/clusters/sim/").content
    client.force_login(alice)
    assert b"/clusters/sim/edit" in client.get("/clusters/sim/").content


def test_a_cluster_trusting_a_ca_keeps_it(superuser_client, cluster, simulator):
    pem = Path(simulator.ca_file).read_text()  # as `cluster add --ca-file` stores it
    Cluster.objects.filter(pk=cluster.pk).update(fingerprint="", ca_certificates=pem)
    cluster.refresh_from_db()
    page = superuser_client.get(URL)
    assert "CA certificates" in page.context["form"].fields["trust"].choices[0][1]
    response = superuser_client.post(URL, form(cluster, description="new"), follow=True)
    assert b"Cluster sim saved (description)" in response.content
    assert Cluster.objects.get(pk=cluster.pk).ca_certificates == pem


def test_automatic_import_is_switched_without_a_connection_check(
    superuser_client, cluster, simulator
):
    before = len(simulator.requests)
    response = superuser_client.post(URL, form(cluster, auto_import=""), follow=True)
    assert b"Cluster sim saved (auto_import)" in response.content
    cluster.refresh_from_db()
    assert cluster.auto_import is False
    assert len(simulator.requests) == before  # nothing asked of Ganeti


def test_a_quota_too_large_for_the_database_is_a_field_error(superuser_client, cluster):
    response = superuser_client.post(URL, form(cluster, default_quota_disk="9" * 30))
    assert response.status_code == 200
    assert response.context["form"].errors["default_quota_disk"] == [
        "Ensure this value is less than or equal to 2147483647."
    ]
    assert Cluster.objects.get(pk=cluster.pk).default_quota_disk is None
