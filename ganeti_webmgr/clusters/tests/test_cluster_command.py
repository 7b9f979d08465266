"""gwm-manage cluster add|list|show|sync|remove|notify-token."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("cluster", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "rapi-password"
    path.write_text("gwm-secret\n")
    return str(path)


def add(sim, password_file, *extra, name="sim"):
    return run(
        "add",
        name,
        "--hostname",
        sim.host,
        "--port",
        str(sim.port),
        "--username",
        "gwm",
        "--password-file",
        password_file,
        *extra,
    )


def test_add_checks_the_cluster_and_stores_the_password_encrypted(simulator, password_file):
    out = add(simulator, password_file, "--fingerprint", simulator.fingerprint)
    assert "answers: Ganeti 3.0.2, cluster cluster.sim.test" in out
    cluster = Cluster.objects.get(slug="sim")
    assert cluster.password == "gwm-secret"
    assert "gwm-secret" not in cluster.password_encrypted
    assert cluster.fingerprint == simulator.fingerprint and not cluster.read_only


def test_add_with_trust_on_first_use_pins_and_prints_the_fingerprint(simulator, password_file):
    out = add(simulator, password_file, "--trust-on-first-use")
    assert f"pinned certificate fingerprint {simulator.fingerprint}" in out
    assert Cluster.objects.get(slug="sim").fingerprint == simulator.fingerprint


def test_add_with_a_ca_file(simulator, password_file):
    add(simulator, password_file, "--ca-file", simulator.ca_file)
    assert "BEGIN CERTIFICATE" in Cluster.objects.get(slug="sim").ca_certificates


def test_add_refuses_a_wrong_fingerprint_and_saves_nothing(simulator, password_file):
    wrong = ":".join(["AB"] * 32)
    with pytest.raises(CommandError, match="use --no-check to save it anyway"):
        add(simulator, password_file, "--fingerprint", wrong)
    assert not Cluster.objects.exists()


def test_add_refuses_wrong_credentials(simulator, tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("not-the-password\n")
    with pytest.raises(CommandError, match="cannot use"):
        add(simulator, str(bad), "--fingerprint", simulator.fingerprint)


def test_add_without_credentials_makes_a_read_only_cluster(simulator):
    run(
        "add",
        "ro",
        "--hostname",
        "ganeti.example.org",
        "--fingerprint",
        simulator.fingerprint,
        "--no-check",
    )
    assert Cluster.objects.get(slug="ro").read_only


def test_add_without_auto_import_makes_new_objects_wait(simulator, password_file):
    add(simulator, password_file, "--fingerprint", simulator.fingerprint, "--no-auto-import")
    assert json.loads(run("show", "sim", "--json"))["auto_import"] is False
    out = run("sync", "sim")
    assert "virtual machines: 0 new, 0 changed, 0 missing, 0 unchanged, 10 waiting" in out
    assert not VirtualMachine.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad Name", "--hostname", "h", "--system-ca"], "use lower-case letters"),
        (["ok", "--hostname", "h", "--fingerprint", "12:34"], "--fingerprint: a certificate"),
        (["ok", "--hostname", "h", "--system-ca", "--username", "u"], "give --username and"),
        (
            [
                "ok",
                "--hostname",
                "h",
                "--system-ca",
                "--username",
                "u",
                "--password-file",
                "/nonexistent",
            ],
            "--password-file /nonexistent: No such file",
        ),
        (["ok", "--hostname", "h/x", "--system-ca"], "--hostname/--port"),
    ],
)
def test_add_names_what_is_wrong(args, message):
    with pytest.raises(CommandError, match=message):
        run("add", *args, "--no-check")


def test_list_show_sync_and_remove(simulator, password_file):
    add(simulator, password_file, "--fingerprint", simulator.fingerprint)
    assert "no clusters" not in run("list")
    out = run("sync", "sim")
    assert "virtual machines: 10 new, 0 changed, 0 missing, 0 unchanged" in out
    assert "  + inst1.sim.test" in out
    listed = json.loads(run("list", "--json"))
    assert [(c["name"], c["virtual_machines"], c["nodes"]) for c in listed] == [("sim", 10, 3)]
    shown = json.loads(run("show", "sim", "--json"))
    assert shown["ganeti_version"] == "3.0.2" and shown["consecutive_failures"] == 0
    assert shown["auto_import"] is True
    assert "gwm-secret" not in json.dumps(shown) and "password" not in shown
    assert "removed cluster sim" in run("remove", "sim", "--yes")
    assert not VirtualMachine.objects.exists()  # GWM's copy goes; Ganeti is not touched
    assert simulator.cluster.instances


def test_sync_of_an_unreachable_cluster_says_why_and_records_it(simulator, password_file):
    add(simulator, password_file, "--fingerprint", simulator.fingerprint)
    Cluster.objects.filter(slug="sim").update(port=1)
    with pytest.raises(CommandError, match="sync of sim failed"):
        run("sync", "sim")
    assert Cluster.objects.get(slug="sim").consecutive_failures == 1


def test_an_unknown_cluster_lists_the_known_ones(simulator, password_file):
    add(simulator, password_file, "--fingerprint", simulator.fingerprint)
    with pytest.raises(CommandError, match=r"no cluster named 'nope' \(known: sim\)"):
        run("show", "nope")


def test_notify_token_prints_a_new_token_once(simulator, password_file):
    add(simulator, password_file, "--fingerprint", simulator.fingerprint)
    token = run("notify-token", "sim").strip()
    cluster = Cluster.objects.get(slug="sim")
    assert cluster.notify_token_matches(token)
    assert not cluster.notify_token_matches(run("notify-token", "sim").strip() + "x")


def test_add_refuses_a_cluster_that_is_there_under_another_name(simulator, password_file):
    add(simulator, password_file, "--fingerprint", simulator.fingerprint)
    with pytest.raises(CommandError, match="which GWM has already as sim"):
        add(simulator, password_file, "--fingerprint", simulator.fingerprint, name="sim2")
    assert list(Cluster.objects.values_list("slug", flat=True)) == ["sim"]
