"""Adding a cluster from the web: check, show the certificate, confirm."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters import connection, credentials
from ganeti_webmgr.clusters.models import Cluster

pytestmark = pytest.mark.django_db


def form(simulator, **changes):
    data = {
        "slug": "prod",
        "hostname": simulator.host,
        "port": simulator.port,
        "username": "gwm",
        "password": "gwm-secret",
        "trust": "pin",
        "description": "",
    }
    return {**data, **changes}


def test_it_checks_then_shows_the_certificate_then_saves(admin_client, simulator):
    page = admin_client.post("/clusters/add", form(simulator))
    assert page.status_code == 200
    assert simulator.fingerprint.encode() in page.content
    assert b"cluster.sim.test (Ganeti 3.0.2" in page.content
    assert b"gwm-secret" not in page.content  # the password goes back encrypted only
    assert not Cluster.objects.exists()
    confirm = {f.html_name: f.value() for f in page.context["confirm"]}
    response = admin_client.post("/clusters/add", {"step": "confirm", **confirm}, follow=True)
    cluster = Cluster.objects.get(slug="prod")
    assert (cluster.fingerprint, cluster.password, cluster.read_only) == (
        simulator.fingerprint,
        "gwm-secret",
        False,
    )
    assert b"Cluster prod added" in response.content
    assert Entry.objects.get(action="cluster.add").message.endswith(
        f"trust: pinned {simulator.fingerprint}"
    )


def test_wrong_credentials_are_named_and_nothing_is_saved(admin_client, simulator):
    page = admin_client.post("/clusters/add", form(simulator, password="wrong"))
    assert b"Cannot use https://127.0.0.1" in page.content
    assert not Cluster.objects.exists()


def test_a_tampered_confirmation_is_refused(admin_client, simulator):
    page = admin_client.post("/clusters/add", form(simulator))
    token = page.context["confirm"]["checked"].value()
    payload, _, signature = token.partition(":")
    forged = {"checked": f"{payload}x:{signature}"}
    response = admin_client.post("/clusters/add", {"step": "confirm", **forged}, follow=True)
    assert b"please start again" in response.content
    assert not Cluster.objects.exists()


def test_the_confirmation_carries_no_password_in_plain_text(admin_client, simulator):
    page = admin_client.post("/clusters/add", form(simulator))
    values = connection.unsign(page.context["confirm"]["checked"].value(), "add")
    assert "gwm-secret" not in str(values)
    assert credentials.decrypt(values["password_encrypted"]) == "gwm-secret"


def test_an_old_confirmation_is_refused(admin_client, simulator, monkeypatch):
    page = admin_client.post("/clusters/add", form(simulator))
    confirm = {f.html_name: f.value() for f in page.context["confirm"]}
    monkeypatch.setattr(connection, "CONFIRM_MAX_AGE", -1)
    response = admin_client.post("/clusters/add", {"step": "confirm", **confirm}, follow=True)
    assert b"please start again" in response.content
    assert not Cluster.objects.exists()


def test_a_ca_certificate_is_kept_as_pasted(admin_client, simulator):
    pem = Path(simulator.ca_file).read_text()
    page = admin_client.post(
        "/clusters/add",
        form(simulator, trust="ca", ca_certificates=pem.replace("\n", "\r\n")),
    )
    confirm = {f.html_name: f.value() for f in page.context["confirm"]}
    admin_client.post("/clusters/add", {"step": "confirm", **confirm})
    cluster = Cluster.objects.get(slug="prod")
    assert (cluster.ca_certificates, cluster.fingerprint) == (pem.strip(), "")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "Prod X"}, b"Enter a valid"),
        ({"password": ""}, b"Give the user name and the password, or neither."),
        ({"trust": "ca", "ca_certificates": "nope"}, b"Paste the CA certificate in PEM form."),
        ({"hostname": "h/x"}, b"the RAPI URL"),
    ],
)
def test_bad_input_is_named(admin_client, simulator, changes, message):
    page = admin_client.post("/clusters/add", form(simulator, **changes))
    assert message in page.content
    assert not Cluster.objects.exists()


def test_only_superusers_add_clusters(client, simulator):
    client.force_login(User.objects.create_user("someone"))
    assert client.get("/clusters/add").status_code == 403


def test_the_same_ganeti_cluster_is_not_added_twice(admin_client, simulator):
    first = admin_client.post("/clusters/add", form(simulator))
    confirm = {f.html_name: f.value() for f in first.context["confirm"]}
    admin_client.post("/clusters/add", {"step": "confirm", **confirm})
    # Before any sync: what the check learnt already identifies the cluster.
    again = admin_client.post("/clusters/add", form(simulator, slug="prod-again"))
    assert again.status_code == 200
    assert "confirm" not in again.context
    assert (
        "This is Ganeti cluster cluster.sim.test" in again.content.decode()
        and "which GWM has already as prod" in again.content.decode()
    )
    assert list(Cluster.objects.values_list("slug", flat=True)) == ["prod"]


def test_a_cluster_known_by_its_uuid_alone_is_refused(admin_client, simulator, make_cluster):
    uuid = simulator.cluster.info()["uuid"]
    make_cluster(simulator, slug="old", ganeti_name="renamed.example", info={"uuid": uuid})
    page = admin_client.post("/clusters/add", form(simulator))
    assert f"({uuid}), which GWM has already as old" in page.content.decode()
    assert not Cluster.objects.filter(slug="prod").exists()


def test_a_duplicate_added_between_check_and_confirm_is_refused(
    admin_client, simulator, make_cluster
):
    page = admin_client.post("/clusters/add", form(simulator))
    confirm = {f.html_name: f.value() for f in page.context["confirm"]}
    make_cluster(simulator, slug="meanwhile", ganeti_name="cluster.sim.test")
    response = admin_client.post("/clusters/add", {"step": "confirm", **confirm}, follow=True)
    assert b"which GWM has already as meanwhile" in response.content
    assert not Cluster.objects.filter(slug="prod").exists()
