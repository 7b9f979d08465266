"""gwm-manage import-gwm011 on a GWM 0.11 database built by the tests (SQLite)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.utils import timezone

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.gwm011 import importer
from ganeti_webmgr.gwm011.models import VMClaim
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions import grants, rules
from ganeti_webmgr.provisioning.models import VMTemplate
from ganeti_webmgr.quotas.models import Quota
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(gwm011_database, tmp_path):
    path = tmp_path / "secret_key"
    path.write_text(gwm011_database.secret_key + "\n")
    return path


def run(source, key_file, *extra) -> str:
    out = StringIO()
    call_command(
        "import-gwm011",
        "--database",
        source.url,
        "--secret-key-file",
        str(key_file),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def confirm_and_sync(simulator, cluster: Cluster) -> None:
    """What an administrator does for an imported cluster: the right address and the
    confirmed fingerprint (here: the simulator's), then the sync it asks for."""
    cluster.hostname, cluster.port = simulator.host, simulator.port
    cluster.fingerprint, cluster.username = simulator.fingerprint, "gwm"
    cluster.password = "gwm-secret"
    cluster.next_sync_at = timezone.now()
    cluster.save()
    sync.sync_cluster(cluster)


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Group.objects.count(),
        Cluster.objects.count(),
        Quota.objects.count(),
        Entry.objects.count(),
    )


def test_it_imports_users_groups_clusters_and_quotas(gwm011_database, key_file):
    out = run(gwm011_database, key_file)

    assert "users: imported 50, already in GWM 0" in out
    assert "groups: imported 5" in out
    assert "clusters: imported 3" in out
    assert "quotas: imported 6" in out
    assert User.objects.count() == 50
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="user50").is_active
    for group, members in gwm011_database.members.items():
        imported = Group.objects.get(name=group).user_set.values_list("username", flat=True)
        assert sorted(imported) == sorted(members)


def test_an_imported_user_signs_in_with_the_old_password(gwm011_database, key_file):
    run(gwm011_database, key_file)

    password = gwm011_database.passwords["user07"]
    assert authenticate(username="user07", password=password) is not None
    assert authenticate(username="user07", password="not-it") is None


def test_clusters_keep_their_rapi_password_and_wait_for_the_fingerprint(gwm011_database, key_file):
    out = run(gwm011_database, key_file)

    for slug, password in gwm011_database.cluster_passwords.items():
        cluster = Cluster.objects.get(slug=slug)
        assert cluster.password == password
        assert password not in cluster.password_encrypted  # GWM's own encryption
        assert cluster.fingerprint == ""
        assert cluster.next_sync_at == importer.HOLD_UNTIL
        assert f"needs an administrator: cluster {slug}: confirm its certificate" in out
    ganeti = Cluster.objects.get(slug="ganeti")
    assert (ganeti.default_quota_ram, ganeti.default_quota_disk, ganeti.default_quota_vcpus) == (
        4096,
        102400,
        8,
    )
    assert Cluster.objects.get(slug="web").default_quota_ram is None


def test_quotas_keep_their_owner_and_amounts(gwm011_database, key_file):
    run(gwm011_database, key_file)

    for (owner, kind, slug), amounts in gwm011_database.quotas.items():
        field = "owner_user__username" if kind == "user" else "owner_group__name"
        quota = Quota.objects.get(cluster__slug=slug, **{field: owner})
        assert (quota.ram, quota.disk, quota.vcpus) == amounts
        assert quota.vms is None


def test_cluster_grants_are_those_of_0_11(gwm011_database, key_file):
    out = run(gwm011_database, key_file)

    assert "cluster grants: imported 5" in out
    granted = {}
    for cluster in Cluster.objects.all():
        for holder, codes in grants.holders(cluster):
            kind = "group" if isinstance(holder, Group) else "user"
            granted[(str(holder), kind, cluster.slug)] = set(codes)
    assert granted == gwm011_database.cluster_grants
    user05 = User.objects.get(username="user05")
    web = Cluster.objects.get(slug="web")
    assert rules.can(user05, "create_vm", web)
    assert not rules.can(user05, "admin", web)


def test_valid_ssh_keys_are_imported_and_invalid_ones_reported(gwm011_database, key_file):
    out = run(gwm011_database, key_file)

    assert "ssh keys: imported 4" in out
    assert out.count("skipped ssh keys") == gwm011_database.invalid_ssh_keys
    assert "skipped ssh keys #5 of user04: " in out
    for username, lines in gwm011_database.ssh_keys.items():
        keys = SshKey.objects.filter(user__username=username)
        assert sorted(k.key for k in keys) == sorted(lines)
    names = set(SshKey.objects.filter(user__username="user02").values_list("name", flat=True))
    assert names == {"user02@laptop", "user02@laptop (2)"}
    assert SshKey.objects.get(user__username="user03").name == "ssh-ed25519"


def test_every_import_is_audited(gwm011_database, key_file):
    run(gwm011_database, key_file)

    entries = Entry.objects.filter(action="legacy.import")
    memberships = sum(len(m) for m in gwm011_database.members.values())
    templates, log_items = len(gwm011_database.templates), len(gwm011_database.log_items)
    assert entries.count() == 50 + 5 + memberships + 3 + 6 + 5 + 4 + templates + log_items
    assert entries.filter(message="imported from GWM 0.11: cluster lab").exists()


def test_a_dry_run_changes_nothing(gwm011_database, key_file):
    before = counts()

    out = run(gwm011_database, key_file, "--dry-run")

    assert "Dry run: nothing was changed." in out
    assert "users: would import 50" in out
    assert "clusters: would import 3" in out
    assert counts() == before


def test_a_rerun_imports_nothing_new(gwm011_database, key_file):
    run(gwm011_database, key_file)
    before = counts()

    out = run(gwm011_database, key_file)

    assert counts() == before
    assert "users: imported 0, already in GWM 50" in out
    assert "clusters: imported 0, already in GWM 3" in out
    assert "quotas: imported 0, already in GWM 6" in out
    assert "cluster grants: imported 0, already in GWM 5" in out
    assert "ssh keys: imported 0, already in GWM 4" in out


def test_existing_objects_are_matched_not_duplicated(gwm011_database, key_file, alice):
    User.objects.create_user("user02", password="gwm-password")
    Cluster.objects.create(slug="other-name", hostname="lab-cluster.example.org")

    out = run(gwm011_database, key_file)

    assert "users: imported 49, already in GWM 1" in out
    assert "clusters: imported 2, already in GWM 1" in out
    # The GWM user is left as it was: its own password, not the 0.11 one.
    assert authenticate(username="user02", password="gwm-password") is not None
    assert Quota.objects.filter(cluster__slug="other-name", owner_user__username="user04").exists()


def test_a_wrong_secret_key_imports_nothing(gwm011_database, tmp_path):
    wrong = tmp_path / "wrong_key"
    wrong.write_text("not-the-0.11-secret-key-at-all-0123456789abcdefghij")
    before = counts()

    with pytest.raises(CommandError) as error:
        run(gwm011_database, wrong)

    assert error.value.returncode == 2
    assert "cluster 'ganeti'" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert counts() == before


def test_a_missing_database_is_a_clear_error(tmp_path, key_file, gwm011_database):
    with pytest.raises(CommandError, match="no such SQLite database"):
        call_command(
            "import-gwm011",
            "--database",
            f"sqlite:///{tmp_path / 'nothing.sqlite'}",
            "--secret-key-file",
            str(key_file),
        )


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_it_imports_from_a_database_server(gwm011_server_database, dialect, tmp_path, simulator):
    source = gwm011_server_database(dialect)
    key_file = tmp_path / "secret_key"
    key_file.write_text(source.secret_key)

    out = run(source, key_file)

    assert "users: imported 50" in out
    assert "cluster grants: imported 5" in out
    assert authenticate(username="user07", password=source.passwords["user07"]) is not None
    for slug, password in source.cluster_passwords.items():
        assert Cluster.objects.get(slug=slug).password == password
    assert f"templates: imported {len(source.templates)}" in out
    assert f"log entries: imported {len(source.log_items)}" in out
    assert "VMs (owner and grants): imported 0, already in GWM 0, waiting" in out
    small = VMTemplate.objects.get(name="small")
    assert small.values["disks"] == [{"size": "1 GiB"}]  # the pickle, as the server kept it
    assert VMClaim.objects.get(vm_name="inst1.sim.test").grants == [
        ["user", User.objects.get(username="user03").pk, ["admin"]]
    ]
    assert authenticate(username="user10", password=source.passwords["user10"]) is not None
    confirm_and_sync(simulator, Cluster.objects.get(slug="ganeti"))
    inst1 = VirtualMachine.objects.get(name="inst1.sim.test")
    assert dict(grants.holders(inst1)) == {User.objects.get(username="user03"): ["admin"]}
    again = run(source, key_file)
    assert "users: imported 0, already in GWM 50" in again
    assert "log entries: imported 0, already in GWM 5" in again
    assert "needs an administrator: VM gone.sim.test on ganeti: not in Ganeti" in again
