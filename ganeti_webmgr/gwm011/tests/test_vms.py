"""VM owners and grants, templates and the object log of a 0.11 database: applied
when GWM has the VMs (at the import, or at the cluster's sync)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.gwm011 import importer, vm_templates
from ganeti_webmgr.gwm011.models import VMClaim
from ganeti_webmgr.gwm011.tests.test_import import confirm_and_sync, run
from ganeti_webmgr.imports import services as import_tools
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions import grants
from ganeti_webmgr.provisioning.models import VMTemplate
from ganeti_webmgr.quotas.models import Quota
from ganeti_webmgr.testing.gwm011 import GONE_VM, SYNCED_VMS
from ganeti_webmgr.virtual_machines.models import Holding, VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(gwm011_database, tmp_path):
    path = tmp_path / "secret_key"
    path.write_text(gwm011_database.secret_key)
    return path


@pytest.fixture
def ganeti_synced(simulator, make_cluster):
    """GWM has the 0.11 cluster "ganeti" already, synced: the simulator's VMs."""
    cluster = make_cluster(simulator, slug="ganeti")
    sync.sync_cluster(cluster)
    return Cluster.objects.get(pk=cluster.pk)


def owner_of(vm: VirtualMachine):
    if vm.owner_group is not None:
        return (vm.owner_group.name, "group")
    if vm.owner_user is not None:
        return (vm.owner_user.username, "user")
    return None


def vm_grants() -> dict:
    granted = {}
    for vm in VirtualMachine.objects.select_related("cluster"):
        for holder, codes in grants.holders(vm):
            kind = "group" if isinstance(holder, Group) else "user"
            granted[(str(holder), kind, vm.cluster.slug, vm.name)] = set(codes)
    return granted


def expected_grants(source, names) -> dict:
    return {key: codes for key, codes in source.vm_grants.items() if key[3] in names}


def test_owners_and_grants_wait_for_the_sync_then_apply(gwm011_database, key_file, simulator):
    out = run(gwm011_database, key_file)

    assert "VMs (owner and grants): imported 0, already in GWM 0, waiting" in out
    assert VMClaim.objects.filter(applied_at=None).count() > 0
    cluster = Cluster.objects.get(slug="ganeti")
    assert cluster.next_sync_at == importer.HOLD_UNTIL

    confirm_and_sync(simulator, cluster)

    for name in SYNCED_VMS:
        vm = VirtualMachine.objects.get(cluster=cluster, name=name)
        assert owner_of(vm) == gwm011_database.vm_owners[("ganeti", name)], name
    assert vm_grants() == expected_grants(gwm011_database, SYNCED_VMS)
    applied = Entry.objects.filter(
        action="legacy.import", message__startswith="imported from GWM 0.11: owner of inst"
    )
    owned = [n for n in SYNCED_VMS if gwm011_database.vm_owners[("ganeti", n)]]
    assert applied.count() == len(owned)
    # The owner change of the VM page: the owner tag asked of Ganeti, holdings right.
    assert Job.objects.filter(action="vm.tags").count() == len(owned)
    user02 = User.objects.get(username="user02")
    holding = Holding.objects.get(cluster=cluster, owner_user=user02)
    assert holding.vms_all == VirtualMachine.objects.filter(owner_user=user02).count()


def test_a_claim_that_fails_waits_with_its_reason_and_the_sync_goes_on(
    gwm011_database, key_file, simulator, monkeypatch
):
    from ganeti_webmgr.gwm011 import claims

    run(gwm011_database, key_file)
    cluster = Cluster.objects.get(slug="ganeti")
    first = sorted(c.vm_name for c in claims.waiting(cluster) if c.vm_name in SYNCED_VMS)[0]
    real_apply = claims.apply

    def apply(claim, vm):
        if vm.name == first:
            raise RuntimeError("the database said no")
        real_apply(claim, vm)

    monkeypatch.setattr(claims, "apply", apply)
    confirm_and_sync(simulator, cluster)

    # The sync wrote its VMs (and applied the other claims) all the same.
    assert set(SYNCED_VMS) <= set(VirtualMachine.objects.values_list("name", flat=True))
    broken = VMClaim.objects.get(cluster=cluster, vm_name=first)
    assert broken.applied_at is None
    assert broken.problem == "could not be applied: the database said no"
    others = VMClaim.objects.filter(vm_name__in=SYNCED_VMS).exclude(pk=broken.pk)
    assert others.exists() and not others.filter(applied_at=None).exists()


def test_a_rerun_reports_vms_still_missing_and_applies_nothing_twice(
    gwm011_database, key_file, simulator
):
    run(gwm011_database, key_file)
    confirm_and_sync(simulator, Cluster.objects.get(slug="ganeti"))
    entries = Entry.objects.count()

    out = run(gwm011_database, key_file)

    assert Entry.objects.count() == entries
    assert f"needs an administrator: VM {GONE_VM} on ganeti: not in Ganeti" in out
    applied = VMClaim.objects.exclude(applied_at=None).count()
    assert f"VMs (owner and grants): imported 0, already in GWM {applied}," in out


def test_vms_gwm_has_already_get_theirs_at_the_import(gwm011_database, key_file, ganeti_synced):
    out = run(gwm011_database, key_file)

    claimed = [n for n in SYNCED_VMS if VMClaim.objects.filter(vm_name=n).exists()]
    assert f"VMs (owner and grants): imported {len(claimed)}, already in GWM 0" in out
    assert vm_grants() == expected_grants(gwm011_database, SYNCED_VMS)
    assert f"VM {GONE_VM} on ganeti: not in Ganeti" in out
    # The lab and web clusters still wait for their fingerprint.
    assert "waiting for the cluster's sync" in out


def test_an_owner_set_in_gwm_is_kept_and_reported(gwm011_database, key_file, ganeti_synced):
    name = next(n for n in SYNCED_VMS if gwm011_database.vm_owners[("ganeti", n)])
    charlie = User.objects.create_user("charlie")
    VirtualMachine.objects.filter(cluster=ganeti_synced, name=name).update(owner_user=charlie)

    out = run(gwm011_database, key_file)

    assert VirtualMachine.objects.get(cluster=ganeti_synced, name=name).owner_user == charlie
    assert f"VM {name} on ganeti: owned by charlie in GWM; 0.11's owner" in out


def test_a_dry_run_writes_no_claims(gwm011_database, key_file, ganeti_synced):
    run(gwm011_database, key_file, "--dry-run")

    assert not VMClaim.objects.exists()
    assert vm_grants() == {}


def test_templates_are_checked_against_the_synced_cluster(gwm011_database, key_file, ganeti_synced):
    out = run(gwm011_database, key_file)

    assert "templates: imported 4" in out
    assert "skipped templates #5: a temporary one" in out
    small = VMTemplate.objects.get(cluster=ganeti_synced, name="small")
    assert small.values["os"] == "noop+default"
    assert small.values["disks"] == [{"size": "1 GiB"}]
    assert small.values["nics"] == [{"mode": "bridged", "link": "br0"}]
    assert small.values["memory"] == "512 MiB"
    assert "template small on ganeti" not in out  # valid there
    big = VMTemplate.objects.get(cluster=ganeti_synced, name="big-drbd")
    assert big.values["disks"] == [{"size": "20 GiB"}, {"size": "100 GiB"}]
    assert big.values["hv_kvm_boot_order"] == "cdrom"
    assert "big-drbd on ganeti: not carried over: iallocator_hostname='hail'" in out
    # An OS and a disk template the cluster does not offer: imported, and reported.
    assert VMTemplate.objects.filter(name="old-os").exists()
    assert "needs an administrator: template old-os on ganeti: os: " in out
    assert "needs an administrator: template old-os on ganeti: disk_template: " in out
    # Not synced yet: imported, and flagged as unchecked.
    assert VMTemplate.objects.get(name="lab-default").values["hv_xen-pvm_root_path"] == (
        "/dev/xvda1"
    )
    assert "template lab-default on lab: not checked against the cluster's choices" in out


def test_the_object_log_keeps_its_times_and_actors(gwm011_database, key_file):
    out = run(gwm011_database, key_file)

    assert f"log entries: imported {len(gwm011_database.log_items)}" in out
    entries = Entry.objects.filter(
        action="legacy.import",
        time__lt=datetime(2015, 1, 1, tzinfo=timezone.get_current_timezone()),
    )
    assert entries.count() == len(gwm011_database.log_items)
    reboot = entries.get(message__contains="rebooted")
    assert reboot.actor.username == reboot.actor_name == "user02"
    assert timezone.localtime(reboot.time).strftime("%Y-%m-%d %H:%M:%S") == "2014-02-11 08:30:15"
    assert reboot.message == (
        "imported from GWM 0.11: VM inst1.sim.test rebooted (Ganeti job 4711)"
    )
    added = entries.get(message__contains="permissions given")
    assert {t.object_repr for t in added.targets.all()} == {"web", "user05"}
    assert "log entries: imported 0, already in GWM 5" in run(gwm011_database, key_file)


def test_a_permission_without_a_counterpart_is_reported_not_granted(gwm011_database, key_file):
    # A site's own column in 0.11's permission table (django-object-permissions
    # made one per registered permission).
    db = sqlite3.connect(gwm011_database.url[len("sqlite:///") :])
    db.execute(
        "ALTER TABLE ganeti_web_cluster_perms ADD COLUMN rebalance integer NOT NULL DEFAULT 0"
    )
    db.execute("UPDATE ganeti_web_cluster_perms SET rebalance = 1 WHERE id = 2")
    db.commit()
    db.close()

    out = run(gwm011_database, key_file)

    assert (
        "skipped permissions rebalance on cluster web for user05: GWM has no such permission" in out
    )
    web = Cluster.objects.get(slug="web")
    codes = dict(grants.holders(web))[User.objects.get(username="user05")]
    assert set(codes) == gwm011_database.cluster_grants[("user05", "user", "web")]


def test_an_owner_keeps_0_11_vms_beyond_its_quota(gwm011_database, key_file, ganeti_synced):
    run(gwm011_database, key_file)

    user02 = User.objects.get(username="user02")
    quota = Quota.objects.get(cluster=ganeti_synced, owner_user=user02)
    holding = Holding.objects.get(cluster=ganeti_synced, owner_user=user02)
    assert holding.ram_all > quota.ram  # 0.11 let it, and GWM keeps what 0.11 had
    owned = VirtualMachine.objects.filter(cluster=ganeti_synced, owner_user=user02)
    in_0_11 = [k for k, owner in gwm011_database.vm_owners.items() if owner == ("user02", "user")]
    assert holding.vms_all == owned.count() == len([k for k in in_0_11 if k[1] in SYNCED_VMS])


def test_a_rerun_applies_the_claims_of_vms_gwm_has_now(gwm011_database, key_file, simulator, alice):
    run(gwm011_database, key_file)
    cluster = Cluster.objects.get(slug="ganeti")
    cluster.auto_import = False  # the VMs wait in the import tools
    confirm_and_sync(simulator, cluster)
    assert not VirtualMachine.objects.exists()
    import_tools.import_vms(alice, cluster, SYNCED_VMS, owner=None)

    out = run(gwm011_database, key_file)

    claimed = VMClaim.objects.filter(vm_name__in=SYNCED_VMS).count()
    assert f"VMs (owner and grants): imported {claimed}, already in GWM 0" in out
    assert vm_grants() == expected_grants(gwm011_database, SYNCED_VMS)
    for name in SYNCED_VMS:
        vm = VirtualMachine.objects.get(cluster=cluster, name=name)
        assert owner_of(vm) == gwm011_database.vm_owners[("ganeti", name)], name


def test_a_pickle_of_anything_but_plain_values_is_refused():
    assert vm_templates.unpickle("(lp0\n(dp1\nS'size'\np2\nI1024\nsa.") == [{"size": 1024}]
    with pytest.raises(ValueError, match=r"os\.system is not a plain value"):
        vm_templates.unpickle("cos\nsystem\n(S'touch /tmp/x'\ntR.")
    assert vm_templates.unpickle("not a pickle") == "not a pickle"
